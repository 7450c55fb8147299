"""The main screen's writes: assign, claim, close, note. Each runs in a worker that is never
exclusive (a second key press must not cancel a write in flight), with one idempotency key per
operator action, and keeps the operator's drafts."""

from __future__ import annotations

from collections.abc import Mapping

from textual import work

from api_client import CrmApiError, PreconditionFailed, Unauthorized
from api_client.models import Report
from crm_tui import permissions
from crm_tui.dialogs.action_dialog import one_key_per_payload
from widgets.i18n import Texts
from widgets.safe_text import line

_T = Texts(
    id={
        "assigned": "{number} ditugaskan ke {officer}.", "closed": "{number} ditutup ({resolution}).",
        "noted": "Catatan ditambahkan ke {number}.", "claimed": "{number} kini Anda tangani.",
        "changed_by": "Diubah oleh {who}; laporan dimuat ulang.", "someone": "operator lain",
    },
    en={
        "assigned": "{number} assigned to {officer}.", "closed": "{number} closed ({resolution}).",
        "noted": "Note added to {number}.", "claimed": "{number} is now yours.",
        "changed_by": "Changed by {who}; the report was reloaded.", "someone": "another operator",
    },
)


class ReportWrites:
    """Mixed into MainScreen."""

    def _draft_keeper(self, action: str, number: str):
        def keep(draft: Mapping) -> None:
            self.drafts[(action, number)] = dict(draft)

        return keep

    def _conflict(self, error: PreconditionFailed) -> None:
        if self.current is not None:
            who = line(error.changed_by) if error.changed_by else _T("someone")
            self.load_detail(self.current.number, notice=_T("changed_by", who=who))

    def _written(self, report: Report, toast: str) -> None:
        self._own_versions[report.number] = report.version
        self.show_report(report)
        self.notify(toast)

    @work(group="write")
    async def action_assign(self) -> None:
        from crm_tui.dialogs.assign_dialog import AssignDialog

        report = await self._target()
        if report is None or not permissions.can_assign(self.operator, report):
            return
        try:
            officers = await self.app.client.officers()
        except CrmApiError as exc:
            self.notify(exc.message, severity="error")
            return

        async def assign(officer: str, key: str) -> Report:
            return await self.app.client.assign(self.current, officer, idempotency_key=key)

        result = await self.app.push_screen_wait(
            AssignDialog(
                report.number,
                officers,
                one_key_per_payload(assign),
                draft=self.drafts.pop(("assign", report.number), None),
                keep_draft=self._draft_keeper("assign", report.number),
                on_conflict=self._conflict,
            )
        )
        if isinstance(result, Report):
            officer = result.assignee.display_name if result.assignee else ""
            self._written(result, _T("assigned", number=result.number, officer=line(officer)))

    @work(group="write")
    async def action_claim(self) -> None:
        report = await self._target()
        if report is None or not permissions.can_claim(self.operator, report):
            return
        try:
            result = await one_key_per_payload(self._claim)(report.number)
        except PreconditionFailed as exc:
            self._conflict(exc)
            return
        except Unauthorized:
            self.relogin()
            return
        except CrmApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self._written(result, _T("claimed", number=result.number))

    async def _claim(self, number: str, key: str) -> Report:
        return await self.app.client.assign(self.current, self.operator.username, idempotency_key=key)

    @work(group="write")
    async def action_close_report(self) -> None:
        from crm_tui.dialogs.close_dialog import CloseDialog

        report = await self._target()
        if report is None or not permissions.can_close(self.operator, report):
            return

        async def close(payload: tuple, key: str) -> Report:
            resolution, note, duplicate_of = payload
            return await self.app.client.close(
                self.current, resolution, note, duplicate_of=duplicate_of, idempotency_key=key
            )

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                self._written(result, _T("closed", number=result.number, resolution=result.resolution or ""))

        self.app.push_screen(
            CloseDialog(
                report.number,
                one_key_per_payload(close),
                draft=self.drafts.pop(("close", report.number), None),
                keep_draft=self._draft_keeper("close", report.number),
                on_conflict=self._conflict,
            ),
            done,
        )

    @work(group="write")
    async def action_note(self) -> None:
        from crm_tui.dialogs.note_dialog import NoteDialog

        report = await self._target()
        if report is None or not permissions.can_note(self.operator, report):
            return
        number = report.number

        async def add(text: str, key: str):
            return await self.app.client.add_note(number, text, idempotency_key=key)

        def done(result) -> None:
            if result is not None:
                self.notify(_T("noted", number=number))
                if self.current is not None and self.current.number == number:
                    self.load_detail(number)

        self.app.push_screen(
            NoteDialog(
                number,
                one_key_per_payload(add),
                draft=self.drafts.pop(("note", number), None),
                keep_draft=self._draft_keeper("note", number),
            ),
            done,
        )
