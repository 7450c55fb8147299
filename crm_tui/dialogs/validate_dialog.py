"""`ValidateDialog`: the validator's decision on a report awaiting validation (Menunggu
Validasi): accept (Selesai), or reject with the reason (TL Ditolak, back to the same officer).

It shows the last follow-up round as the officer sent it: the public response, the internal
note, each evidence photo drawn in the terminal with its capture and upload times, and the
citizen's photo beside them for a non-private report (a private report's photo is never asked
for: the locked notice stands in its place). Evidence that is nearly the same photo as another
report's is flagged above everything else, naming that report. The reason is required to
reject; to accept it is optional and kept with the decision. Ctrl+S sends.

The photos are fetched by the screen's `photos` (`ValidationPhotos`) in a worker; the dialog
knows no HTTP. A newer version of the report is never adopted: in Menunggu Validasi only a
validation changes the version, so a newer one is either decided already or carries another
round, which the validator must see before deciding.

The payload given to `submit` is a `ValidatePayload(decision, reason)`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from api_client.errors import CrmApiError
from api_client.models import Decision, Evidence, FollowUp, Report, ReportSummary
from crm_tui.dialogs.action_dialog import ActionDialog, Refusal, Submit
from crm_tui.dialogs.key_hints import Label
from crm_tui.dialogs.template_choice import TemplateChoice, TemplateLoader, cursor_after_layout
from crm_tui.error_messages import describe
from widgets import safe_text
from widgets.i18n import Texts
from widgets.lifecycle_rows import evidence_times, similar_warning
from widgets.photo_panel import PhotoPanel
from widgets.photo_renderers import HalfBlockRenderer, PhotoRenderer
from widgets.report_format import format_wib
from widgets.template_picker import TemplatePicker

R = TypeVar("R")

TEXTS = Texts(
    id={
        "title": "Validasi {number}",
        "round": "Tindak lanjut ke-{n} oleh {officer}, {at}",
        "no_round": "Laporan ini belum memiliki tindak lanjut untuk divalidasi.",
        "response": "Tanggapan untuk pelapor:",
        "note": "Catatan internal:",
        "citizen": "Foto pelapor",
        "evidence": "Bukti {n}",
        "flag": "Bukti {n}: {warning}",
        "accept": "terima \u2014 Selesai",
        "reject": "tolak \u2014 TL Ditolak, kembali ke petugas",
        "reason": "Alasan (wajib untuk menolak: apa yang harus diulang petugas)",
        "reason_required": "Alasan wajib diisi untuk menolak tindak lanjut.",
        "choose": "Pilih terima atau tolak.",
        "new_round": "Validasi hanya untuk tindak lanjut yang ditampilkan; tekan Esc lalu v untuk melihat yang baru.",
        "send": "kirim",
        "cancel": "batal",
    },
    en={
        "title": "Validate {number}",
        "round": "Follow-up round {n} by {officer}, {at}",
        "no_round": "This report has no follow-up to validate yet.",
        "response": "Response to the reporter:",
        "note": "Internal note:",
        "citizen": "Reporter's photo",
        "evidence": "Evidence {n}",
        "flag": "Evidence {n}: {warning}",
        "accept": "accept \u2014 Selesai",
        "reject": "reject \u2014 TL Ditolak, back to the officer",
        "reason": "Reason (required to reject: what the officer must do again)",
        "reason_required": "A reason is required to reject the follow-up.",
        "choose": "Choose accept or reject.",
        "new_round": "A validation is of the follow-up shown; press Esc, then v, to see the newest.",
        "send": "send",
        "cancel": "cancel",
    },
)

DECISIONS: tuple[Decision, ...] = ("accept", "reject")
PHOTO_ROWS = 6  # terminal lines per photo: the response and the decision must stay in view at 80x24


class ValidatePayload(NamedTuple):
    decision: Decision
    reason: str | None


@dataclass(frozen=True)
class ValidationPhotos:
    """How the dialog gets the photos it draws (each call may raise `CrmApiError`)."""

    evidence: Callable[[Evidence], Awaitable[bytes]]
    citizen: Callable[[Report], Awaitable[bytes]]
    renderer: Callable[[], PhotoRenderer] = HalfBlockRenderer


def last_round(report: ReportSummary) -> FollowUp | None:
    follow_ups = report.follow_ups if isinstance(report, Report) else ()
    return follow_ups[-1] if follow_ups else None


class ValidateDialog(ActionDialog[ValidatePayload, R]):
    """Accept or reject the last follow-up round of `report` (that version of it).

    | Key | Binding id | Action |
    | :- | :- | :- |
    | up, down | | In the decision list: accept or reject. |
    | enter | | In the templates (shown once reject is chosen): fill the reason with the highlighted one. |
    | ctrl+s | dialog.confirm | Send the decision (again, after a failure). |
    | escape | dialog.cancel | Close; the decision and the reason are kept as a draft. |
    """

    DEFAULT_CSS = """
    ValidateDialog > #dialog-frame { width: 100; }
    ValidateDialog #flags {
        height: auto;
        padding: 0 1;
        color: $text-error;
        background: $error-muted;
        text-style: bold;
    }
    ValidateDialog #flags.-none { display: none; }
    /* What the officer sent scrolls; the flags, the decision and the keys stay in view (80x24). */
    ValidateDialog #validate-form { height: auto; max-height: 10; }
    ValidateDialog #photos { height: auto; }
    ValidateDialog .photo-cell { width: 1fr; height: auto; }
    ValidateDialog .photo-cell PhotoPanel { padding: 0; }
    ValidateDialog #decision { height: auto; }
    ValidateDialog #reason { height: 3; min-height: 3; }
    """

    AUTO_FOCUS = "#decision"

    def __init__(
        self,
        report: Report,
        submit: Submit[ValidatePayload, R],
        photos: ValidationPhotos,
        *,
        refusal: Refusal | None = None,
        templates: TemplateLoader | None = None,
        **kwargs: Any,
    ) -> None:
        opened = report.version

        def refuse(version: ReportSummary) -> str | None:
            why = refusal(version) if refusal is not None else None
            return why or (None if version.version == opened else TEXTS("new_round"))

        super().__init__(report, submit, refusal=refuse, **kwargs)
        self.full: Report = report
        """The report as it opened, with the round shown (the dialog never adopts another)."""
        self.round = last_round(report)
        self._photos = photos
        self.evidence_panels: list[PhotoPanel] = []
        self.citizen_panel: PhotoPanel | None = None
        self.template_choice = TemplateChoice(templates, "#reason")  # the rejection templates

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        warnings = self.flags()
        yield Static(Content("\n".join(warnings)), id="flags", markup=False, classes="" if warnings else "-none")
        with VerticalScroll(id="validate-form"):
            yield Static(Content(self._round_text()), id="round", markup=False)
            if self.round is not None and self.round.evidence:
                # The times first: the photos below them may need scrolling to at 80x24.
                times = [evidence_times(n, e) for n, e in enumerate(self.round.evidence, 1)]
                yield Static(Content("\n".join(times)), id="evidence-times", markup=False)
                with Horizontal(id="photos"):
                    if self.full.photo_info.state != "none":
                        self.citizen_panel = self._panel()
                        with Vertical(classes="photo-cell"):
                            yield Static(TEXTS("citizen"), classes="field-label", markup=False)
                            yield self.citizen_panel
                    for n, _evidence in enumerate(self.round.evidence, 1):
                        panel = self._panel()
                        self.evidence_panels.append(panel)
                        with Vertical(classes="photo-cell"):
                            yield Static(TEXTS("evidence", n=n), classes="field-label", markup=False)
                            yield panel
        yield OptionList(*(Option(TEXTS(d), id=d) for d in DECISIONS), id="decision", compact=True)
        yield from self.template_choice.compose()
        yield TextArea(id="reason", soft_wrap=True, tab_behavior="focus", placeholder=TEXTS("reason"))

    def _panel(self) -> PhotoPanel:
        panel = PhotoPanel(renderer=self._photos.renderer())
        panel.max_rows = PHOTO_ROWS
        return panel

    def flags(self) -> list[str]:
        """The duplicate-evidence warnings of the round shown, one line each."""
        if self.round is None:
            return []
        return [
            TEXTS("flag", n=n, warning=warning)
            for n, evidence in enumerate(self.round.evidence, 1)
            if (warning := similar_warning(evidence))
        ]

    def _round_text(self) -> str:
        follow_up = self.round
        if follow_up is None:
            return TEXTS("no_round")
        officer = safe_text.line(follow_up.officer.display_name, max_chars=60)
        text = TEXTS("round", n=follow_up.round, officer=officer, at=format_wib(follow_up.at))
        text += "\n" + TEXTS("response") + "\n\u201c" + safe_text.block(follow_up.response, max_chars=2_000) + "\u201d"
        if follow_up.note:
            text += "\n" + TEXTS("note") + "\n\u201c" + safe_text.block(follow_up.note, max_chars=2_000) + "\u201d"
        return text

    def hint_labels(self) -> dict[str, Label]:
        return {"confirm": TEXTS("send"), "cancel": TEXTS("cancel")}

    def on_mount(self) -> None:
        # (ActionDialog's own on_mount runs after this one and restores a draft.) No decision
        # is made for the validator: up or down chooses one.
        self.query_one("#decision", OptionList).highlighted = None
        if self.citizen_panel is not None:
            if self.full.private or self.full.photo_info.state == "locked":
                self.citizen_panel.show_locked()  # never asked for
            else:
                self.citizen_panel.show_loading()
        for panel in self.evidence_panels:
            panel.show_loading()
        self._load_photos()
        self.template_choice.start(self)
        self._offer_templates()

    @on(OptionList.OptionHighlighted, "#decision")
    def _offer_templates(self) -> None:
        # The rejection templates only once reject is the decision: the rows they take are the
        # evidence's until then.
        for picker in self.query(TemplatePicker):
            picker.display = self.decision == "reject"
            cursor_after_layout(picker)

    @on(TemplatePicker.Chosen)
    def _template_chosen(self, event: TemplatePicker.Chosen) -> None:
        self.template_choice.fill(self, event.template, self.report)

    @work(group="photos", exclusive=True)
    async def _load_photos(self) -> None:
        report, follow_up = self.full, self.round
        if self.citizen_panel is not None and self.citizen_panel.state == "loading":
            await self._fill(self.citizen_panel, self._photos.citizen(report))
        if follow_up is not None:
            for panel, evidence in zip(self.evidence_panels, follow_up.evidence, strict=True):
                await self._fill(panel, self._photos.evidence(evidence))

    @staticmethod
    async def _fill(panel: PhotoPanel, fetch: Awaitable[bytes]) -> None:
        try:
            data = await fetch
        except CrmApiError as error:
            if panel.is_attached:
                panel.show_error(describe(error))
            return
        if panel.is_attached:
            panel.show_image(data)

    @property
    def decision(self) -> Decision | None:
        highlighted = self.query_one("#decision", OptionList).highlighted
        return None if highlighted is None else DECISIONS[highlighted]

    @on(OptionList.OptionSelected, "#decision")
    def _decided(self, event: OptionList.OptionSelected) -> None:
        # Enter on a decision moves on to the reason (Ctrl+S sends; Enter never does).
        self.query_one("#reason", TextArea).focus()

    def current_draft(self) -> dict[str, Any]:
        return {"decision": self.decision, "reason": self.query_one("#reason", TextArea).text}

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        decision = draft.get("decision")
        if decision in DECISIONS:
            self.query_one("#decision", OptionList).highlighted = DECISIONS.index(decision)
        self.query_one("#reason", TextArea).load_text(str(draft.get("reason") or ""))

    def build_payload(self) -> ValidatePayload | None:
        decision = self.decision
        if decision is None:
            self.show_message(TEXTS("choose"))
            self.query_one("#decision", OptionList).focus()
            return None
        reason = self.query_one("#reason", TextArea).text.strip() or None
        if decision == "reject" and reason is None:
            self.show_message(TEXTS("reason_required"))
            self.query_one("#reason", TextArea).focus()
            return None
        return ValidatePayload(decision, reason)
