"""The main screen's writes: assign, claim, close, note, coordinate, dispose, reopen, follow up,
validate.

Each acts on the report the operator is looking at when the key is pressed, in the version
they see: a dialog is bound to that report and version (see `ActionDialog`), and so is a claim.
Nothing the screen does afterwards (the cursor moving, a report arriving, a live update of the
detail) changes what the action applies to. Writes run in workers that are never exclusive (a
second key press must not cancel a write in flight), with one idempotency key per version and
payload of an operator action; the operator's drafts are kept per report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import work

from api_client.errors import CrmApiError, PreconditionFailed
from api_client.models import Evidence, Note, Report, ReportStatus, ReportSummary, ResponseTemplate
from crm_tui import permissions
from crm_tui.dialogs.action_dialog import one_key_per_payload
from crm_tui.error_messages import describe
from crm_tui.report_changes import describe_changes
from crm_tui.screens.report_browser import ReportBrowser
from widgets.i18n import Texts
from widgets.safe_text import line

if TYPE_CHECKING:
    from crm_tui.dialogs.bulk_dialog import BulkAction
    from crm_tui.dialogs.close_dialog import ClosePayload
    from crm_tui.dialogs.route_dialog import RouteAction, RoutePayload

BULK_ACTIONS = ("assign", "close", "note", "coordinate")

TEXTS = Texts(
    id={
        "assigned": "{number} ditugaskan ke {officer}.",
        "closed": "{number} ditutup ({resolution}).",
        "noted": "Catatan ditambahkan ke {number}.",
        "coordinated": "{number} dikoordinasikan ke {agency}.",
        "disposed": "{number} didisposisikan ke {agency}.",
        "reopened": "{number} dibuka kembali: kembali ke {officer}.",
        "followed_up": "Tindak lanjut {number} terkirim: menunggu validasi.",
        "accepted": "Tindak lanjut {number} diterima: Selesai.",
        "rejected": "Tindak lanjut {number} ditolak: kembali ke {officer}.",
        "nowhere": "Tidak ada instansi tujuan untuk {number}.",
        "claimed": "{number} kini Anda tangani.",
        "not_claimed": (
            "{number} tidak diambil: telah diubah oleh {who}{changes}. Periksa lalu ambil lagi bila masih perlu."
        ),
        "someone": "operator lain",
        "bulk_assign": "Menugaskan {count} laporan",
        "bulk_close": "Menutup {count} laporan",
        "bulk_note": "Menambah catatan pada {count} laporan",
        "bulk_coordinate": "Mengoordinasikan {count} laporan",
        "there_already": "laporan sudah di {agency}",
    },
    en={
        "assigned": "{number} assigned to {officer}.",
        "closed": "{number} closed ({resolution}).",
        "noted": "Note added to {number}.",
        "coordinated": "{number} coordinated to {agency}.",
        "disposed": "{number} disposed to {agency}.",
        "reopened": "{number} reopened: back with {officer}.",
        "followed_up": "The follow-up on {number} was sent: awaiting validation.",
        "accepted": "The follow-up on {number} was accepted: Selesai.",
        "rejected": "The follow-up on {number} was rejected: back to {officer}.",
        "nowhere": "There is no agency {number} can go to.",
        "claimed": "{number} is now yours.",
        "not_claimed": (
            "{number} was not claimed: it was changed by {who}{changes}. Check it and claim again if still needed."
        ),
        "someone": "another operator",
        "bulk_assign": "Assigning {count} reports",
        "bulk_close": "Closing {count} reports",
        "bulk_note": "Adding a note to {count} reports",
        "bulk_coordinate": "Coordinating {count} reports",
        "there_already": "the report is with {agency} already",
    },
)


class ReportWrites(ReportBrowser):
    """The actions that change a report on the server."""

    def _subject(self) -> ReportSummary | None:
        """The report the keys act on, in the version on screen (its full report once loaded)."""
        subject, current = self.highlighted, self.current
        if subject is not None and current is not None and current.number == subject.number:
            return current if current.version >= subject.version else subject
        return subject

    def refusal(self, action: permissions.Action) -> str | None:
        """Why `action` does not apply now, or None when it does: to the subject, or with
        reports marked, to at least one of them (the others are refused in the summary)."""
        if self.marks and action in BULK_ACTIONS:
            reasons = [permissions.refusal(action, self.operator, report) for report in self.marks.values()]
            return None if None in reasons else reasons[0]
        return permissions.refusal(action, self.operator, self._subject())

    def _target(self, action: permissions.Action) -> ReportSummary | None:
        """The subject, bound now, if `action` applies to it; else say why and give None."""
        reason = self.refusal(action)
        if reason is not None:
            self.notify(reason, severity="warning")
            return None
        return self._subject()

    def _draft_keeper(self, action: str, number: str) -> Callable[[Mapping[str, object]], None]:
        def keep(draft: Mapping[str, object]) -> None:
            self.drafts[(action, number)] = dict(draft)

        return keep

    async def newest(self, number: str) -> Report:
        """The report as it is now on the server (a dialog's view after a conflict); the row
        and, for the subject, the detail show it too."""
        client = self.crm.client
        report = await self.crm.api(lambda: client.get_report(number))
        self.show_report(report)
        return report

    async def templates(self, action: str, report: ReportSummary) -> list[ResponseTemplate]:
        """The response templates a dialog offers for `action` on `report` (its category's and
        those for every category)."""
        client = self.crm.client
        return await self.crm.api(lambda: client.templates(action=action, category=report.category))

    def _written(self, report: Report, toast: str) -> None:
        self._own_versions[report.number] = report.version
        self.show_report(report)
        self.notify(toast)

    @work(group="write")
    async def action_assign(self) -> None:
        from crm_tui.dialogs.assign_dialog import AssignDialog

        if self.marks:
            await self._bulk("assign")
            return
        report = self._target("assign")
        if report is None:
            return
        client = self.crm.client
        try:
            officers = await self.crm.api(client.officers)
        except CrmApiError as error:
            self.notify(describe(error), severity="error")
            return

        async def assign(version: ReportSummary, officer: str, key: str) -> Report:
            return await self.crm.api(lambda: client.assign(version, officer, idempotency_key=key))

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                officer = result.assignee.display_name if result.assignee else ""
                self._written(result, TEXTS("assigned", number=result.number, officer=line(officer)))

        self.app.push_screen(
            AssignDialog(
                report,
                officers,
                one_key_per_payload(assign),
                reload=self.newest,
                refusal=partial(permissions.refusal, "assign", self.operator),
                draft=self.drafts.pop(("assign", report.number), None),
                keep_draft=self._draft_keeper("assign", report.number),
            ),
            done,
        )

    @work(group="write")
    async def action_claim(self) -> None:
        report = self._target("claim")
        if report is None:
            return
        client, me = self.crm.client, self.operator.username

        async def claim(version: ReportSummary, _payload: None, key: str) -> Report:
            return await self.crm.api(lambda: client.assign(version, me, idempotency_key=key))

        try:
            result = await one_key_per_payload(claim)(report, None)
        except PreconditionFailed as error:
            await self._not_claimed(report, error)
            return
        except CrmApiError as error:
            self.notify(describe(error), severity="error")
            return
        self._written(result, TEXTS("claimed", number=result.number))

    async def _not_claimed(self, report: ReportSummary, error: PreconditionFailed) -> None:
        """Someone changed the report before the claim: say who and what, show the new version,
        and leave claiming it to the operator."""
        who = line(error.changed_by) if error.changed_by else TEXTS("someone")
        changes = ""
        try:
            newer = await self.newest(report.number)
        except CrmApiError:
            pass
        else:
            what = describe_changes(report, newer)
            changes = (": " + "; ".join(what)) if what else ""
        self.notify(TEXTS("not_claimed", number=report.number, who=who, changes=changes), severity="warning")

    def action_close_report(self) -> None:
        from crm_tui.dialogs.close_dialog import CloseDialog

        if self.marks:
            self._bulk_worker("close")
            return
        report = self._target("close")
        if report is None:
            return
        client = self.crm.client

        async def close(version: ReportSummary, payload: ClosePayload, key: str) -> Report:
            return await self.crm.api(
                lambda: client.close(
                    version, payload.resolution, payload.note, duplicate_of=payload.duplicate_of, idempotency_key=key
                )
            )

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                self._written(result, TEXTS("closed", number=result.number, resolution=result.resolution or ""))

        self.app.push_screen(
            CloseDialog(
                report,
                one_key_per_payload(close),
                reload=self.newest,
                refusal=partial(permissions.refusal, "close", self.operator),
                draft=self.drafts.pop(("close", report.number), None),
                keep_draft=self._draft_keeper("close", report.number),
                templates=partial(self.templates, "close", report),
            ),
            done,
        )

    def action_note(self) -> None:
        from crm_tui.dialogs.note_dialog import NoteDialog

        if self.marks:
            self._bulk_worker("note")
            return
        report = self._target("note")
        if report is None:
            return
        client, number = self.crm.client, report.number

        async def add(_version: ReportSummary, text: str, key: str) -> Note:
            return await self.crm.api(lambda: client.add_note(number, text, idempotency_key=key))

        def done(result: Note | None) -> None:
            if result is not None:
                self.notify(TEXTS("noted", number=number))
                if self.is_subject(number):
                    self.load_detail(number)

        self.app.push_screen(
            NoteDialog(
                report,
                one_key_per_payload(add),
                reload=self.newest,
                refusal=partial(permissions.refusal, "note", self.operator),
                draft=self.drafts.pop(("note", number), None),
                keep_draft=self._draft_keeper("note", number),
            ),
            done,
        )

    def action_coordinate(self) -> None:
        if self.marks:
            self._bulk_worker("coordinate")
            return
        self._route("coordinate")

    def action_dispose(self) -> None:
        self._route("dispose")

    @work(group="write")
    async def _route(self, action: RouteAction) -> None:
        from crm_tui.dialogs.route_dialog import RouteDialog, targets

        report = self._target(action)
        if report is None:
            return
        client = self.crm.client
        try:
            agencies = await self.crm.api(client.agencies)
        except CrmApiError as error:
            self.notify(describe(error), severity="error")
            return
        if not targets(action, report, agencies):
            self.notify(TEXTS("nowhere", number=report.number), severity="warning")
            return
        write = client.coordinate if action == "coordinate" else client.dispose

        async def route(version: ReportSummary, payload: RoutePayload, key: str) -> Report:
            return await self.crm.api(lambda: write(version, payload.agency, payload.note, idempotency_key=key))

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                toast = "coordinated" if action == "coordinate" else "disposed"
                self._written(result, TEXTS(toast, number=result.number, agency=line(result.agency.name)))

        self.app.push_screen(
            RouteDialog(
                action,
                report,
                agencies,
                one_key_per_payload(route),
                reload=self.newest,
                refusal=partial(permissions.refusal, action, self.operator),
                draft=self.drafts.pop((action, report.number), None),
                keep_draft=self._draft_keeper(action, report.number),
            ),
            done,
        )

    def action_reopen(self) -> None:
        from crm_tui.dialogs.reopen_dialog import ReopenDialog

        report = self._target("reopen")
        if report is None:
            return
        client = self.crm.client

        async def reopen(version: ReportSummary, reason: str, key: str) -> Report:
            return await self.crm.api(lambda: client.reopen(version, reason, idempotency_key=key))

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                officer = line(result.assignee.display_name) if result.assignee else ""
                self._written(result, TEXTS("reopened", number=result.number, officer=officer))

        self.app.push_screen(
            ReopenDialog(
                report,
                one_key_per_payload(reopen),
                reload=self.newest,
                refusal=partial(permissions.refusal, "reopen", self.operator),
                draft=self.drafts.pop(("reopen", report.number), None),
                keep_draft=self._draft_keeper("reopen", report.number),
            ),
            done,
        )

    def action_follow_up(self) -> None:
        from crm_tui.dialogs.follow_up_dialog import FollowUpDialog, FollowUpPayload

        report = self._target("follow_up")
        if report is None:
            return
        client = self.crm.client

        async def follow_up(version: ReportSummary, payload: FollowUpPayload, key: str) -> Report:
            return await self.crm.api(
                lambda: client.follow_up(
                    version, payload.response, payload.photos, note=payload.note, idempotency_key=key
                )
            )

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                self._written(result, TEXTS("followed_up", number=result.number))

        self.app.push_screen(
            FollowUpDialog(
                report,
                one_key_per_payload(follow_up),
                reload=self.newest,
                refusal=partial(permissions.refusal, "follow_up", self.operator),
                draft=self.drafts.pop(("follow_up", report.number), None),
                keep_draft=self._draft_keeper("follow_up", report.number),
                templates=partial(self.templates, "follow_up", report),
            ),
            done,
        )

    @work(group="write")
    async def action_validate(self) -> None:
        from crm_tui.dialogs.validate_dialog import ValidateDialog, ValidatePayload, ValidationPhotos

        subject = self._target("validate")
        if subject is None:
            return
        client = self.crm.client
        report = subject
        if not isinstance(report, Report) or not report.follow_ups:  # the round to show comes in full
            try:
                report = await self.newest(subject.number)
            except CrmApiError as error:
                self.notify(describe(error), severity="error")
                return
            reason = permissions.refusal("validate", self.operator, report)
            if reason is not None:
                self.notify(reason, severity="warning")
                return
        number = report.number

        async def validate(version: ReportSummary, payload: ValidatePayload, key: str) -> Report:
            return await self.crm.api(
                lambda: client.validate(version, payload.decision, payload.reason, idempotency_key=key)
            )

        async def evidence(item: Evidence) -> bytes:
            return await self.crm.api(lambda: client.get_evidence(number, item))

        async def citizen(full: Report) -> bytes:
            return await self.crm.api(lambda: client.get_photo(full))  # refused unless available

        def done(result: Report | None) -> None:
            if isinstance(result, Report):
                officer = line(result.assignee.display_name) if result.assignee else ""
                toast = "accepted" if result.status is ReportStatus.SELESAI else "rejected"
                self._written(result, TEXTS(toast, number=result.number, officer=officer))

        self.app.push_screen(
            ValidateDialog(
                report,
                one_key_per_payload(validate),
                ValidationPhotos(evidence, citizen, self.crm.photo_renderer),
                reload=self.newest,
                refusal=partial(permissions.refusal, "validate", self.operator),
                templates=partial(self.templates, "reject", report),
                draft=self.drafts.pop(("validate", number), None),
                keep_draft=self._draft_keeper("validate", number),
            ),
            done,
        )

    # --- bulk actions on the marked reports --------------------------------------------------------

    @work(group="write")
    async def _bulk_worker(self, action: BulkAction) -> None:
        await self._bulk(action)

    async def _bulk(self, action: BulkAction) -> None:
        """Ask what to do to the marked reports, then do it to each (crm_tui/bulk.py), showing
        the progress and then what became of each. Done: unmarked. Conflicts: still marked, in
        the version now shown. Refused or failed: still marked."""
        from crm_tui.bulk import Outcome, run_bulk
        from crm_tui.dialogs.bulk_dialog import BulkDialog
        from crm_tui.dialogs.bulk_summary import BulkSummary
        from crm_tui.dialogs.route_dialog import RoutePayload

        client = self.crm.client
        officers, agencies = None, []
        try:
            if action == "assign":
                officers = await self.crm.api(client.officers)
            if action == "coordinate":
                agencies = await self.crm.api(client.agencies)
        except CrmApiError as error:
            self.notify(describe(error), severity="error")
            return
        reports = sorted(self.marks.values(), key=lambda report: report.number)
        # Where none of the marked reports is already (each is checked again below).
        agencies = [a for a in agencies if any(report.agency.code != a.code for report in reports)]
        payload = await self.app.push_screen_wait(BulkDialog(action, len(reports), officers, agencies))
        if payload is None:
            return
        submit = self._bulk_submit(action)
        summary = BulkSummary(TEXTS(f"bulk_{action}", count=len(reports)), len(reports))
        self.app.push_screen(summary)

        async def send(report: ReportSummary) -> Report | None:
            return await submit(report, payload)

        async def conflict(report: ReportSummary, error: PreconditionFailed) -> Outcome:
            who = line(error.changed_by) if error.changed_by else TEXTS("someone")
            try:
                newer = await self.crm.api(lambda: client.get_report(report.number))
            except CrmApiError:
                return Outcome(report.number, "conflict", who)
            changes = describe_changes(report, newer)
            return Outcome(report.number, "conflict", who + (": " + "; ".join(changes) if changes else ""), newer)

        def refusal(report: ReportSummary) -> str | None:
            why = permissions.refusal(action, self.operator, report)
            if why is None and isinstance(payload, RoutePayload) and report.agency.code == payload.agency:
                return TEXTS("there_already", agency=line(report.agency.name, max_chars=60))
            return why

        outcomes = await run_bulk(
            reports,
            send,
            refusal=refusal,
            conflict=conflict,
            failure=describe,
            progress=summary.show_progress,
        )
        for outcome in outcomes:
            if outcome.kind == "done":
                self.marks.pop(outcome.number, None)
            if outcome.newest is not None:
                if outcome.kind == "done":
                    self._own_versions[outcome.number] = outcome.newest.version
                else:  # the operator sees its change in the summary: another try acts on it
                    self.marks[outcome.number] = outcome.newest
                self.show_report(outcome.newest)
        self.marks_changed()
        summary.show_outcomes(outcomes)

    def _bulk_submit(self, action: BulkAction) -> Callable[[ReportSummary, object], Awaitable[Report | None]]:
        """One submit per action for the screen's life: the same payload on the same version of
        a report always goes with the same idempotency key (a retry after a lost answer is
        applied once), another version or payload gets a new one."""
        if action not in self._bulk_submits:
            client = self.crm.client

            async def call(report: ReportSummary, payload: object, key: str) -> Report | None:
                if action == "assign":
                    officer = str(payload)
                    return await self.crm.api(lambda: client.assign(report, officer, idempotency_key=key))
                if action == "close":
                    close = cast("ClosePayload", payload)
                    return await self.crm.api(
                        lambda: client.close(
                            report, close.resolution, close.note, duplicate_of=close.duplicate_of, idempotency_key=key
                        )
                    )
                if action == "coordinate":
                    route = cast("RoutePayload", payload)
                    return await self.crm.api(
                        lambda: client.coordinate(report, route.agency, route.note, idempotency_key=key)
                    )
                text = str(payload)
                await self.crm.api(lambda: client.add_note(report.number, text, idempotency_key=key))
                return None

            self._bulk_submits[action] = one_key_per_payload(call)
        return self._bulk_submits[action]
