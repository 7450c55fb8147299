"""`CloseDialog`: close a report with a resolution and a required note, after a confirmation.

The form: the resolution (bukan wewenang, duplikat, tidak valid: `selesai` comes only through
validation), the number of the original report (shown for duplikat only), and the note. Ctrl+S
checks the form and asks "Close JK... as 'tidak valid'?"; y or Enter closes the report, n or Esc
goes back to the form.
With `templates` (the screen's loader of the report's close templates), a picker above the
note fills it with the chosen template (`TemplateChoice`); the note stays editable.
The payload given to `submit` is a `ClosePayload(resolution, note, duplicate_of)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from api_client.errors import CrmApiError, PreconditionFailed
from api_client.models import Resolution
from crm_tui.commands import REPORT_NUMBER
from crm_tui.dialogs.action_dialog import ActionDialog
from crm_tui.dialogs.key_hints import Label as HintLabel
from crm_tui.dialogs.template_choice import TemplateChoice, TemplateLoader
from widgets.i18n import Texts
from widgets.template_picker import TemplatePicker

R = TypeVar("R")

# What an operator closes a report as directly; `selesai` comes only through validation.
RESOLUTIONS: tuple[Resolution, ...] = (Resolution.BUKAN_WEWENANG, Resolution.DUPLIKAT, Resolution.TIDAK_VALID)

TEXTS = Texts(
    id={
        "title": "Tutup {number}",
        "resolution": "Penyelesaian",
        "bukan wewenang": "bukan wewenang \u2014 bukan tupoksi instansi ini",
        "duplikat": "duplikat \u2014 laporan yang sama sudah ada",
        "tidak valid": "tidak valid \u2014 laporan tidak dapat ditindaklanjuti",
        "duplicate_of": "Duplikat dari (nomor laporan)",
        "example": "mis. JK2503050007",
        "note": "Catatan (wajib)",
        "note_required": "Catatan penutupan wajib diisi.",
        "bad_number": "Nomor laporan asli tidak valid: JK diikuti 10\u201311 angka, mis. JK2503050007.",
        "self_duplicate": "Laporan tidak dapat menjadi duplikat dirinya sendiri.",
        "question": "Tutup {number} sebagai '{resolution}'?",
        "question_dup": "Tutup {number} sebagai '{resolution}' dari {original}?",
        "save": "simpan",
        "yes": "ya, tutup",
        "no": "kembali",
        "cancel": "batal",
    },
    en={
        "title": "Close {number}",
        "resolution": "Resolution",
        "bukan wewenang": "bukan wewenang \u2014 not this agency's duty",
        "duplikat": "duplikat \u2014 the same report exists already",
        "tidak valid": "tidak valid \u2014 not a report that can be followed up",
        "duplicate_of": "Duplicate of (report number)",
        "example": "e.g. JK2503050007",
        "note": "Note (required)",
        "note_required": "A closing note is required.",
        "bad_number": "Not a valid original report number: JK and 10\u201311 digits, e.g. JK2503050007.",
        "self_duplicate": "A report cannot be a duplicate of itself.",
        "question": "Close {number} as '{resolution}'?",
        "question_dup": "Close {number} as '{resolution}' of {original}?",
        "save": "save",
        "yes": "yes, close",
        "no": "back",
        "cancel": "cancel",
    },
)


class ClosePayload(NamedTuple):
    resolution: Resolution
    note: str
    duplicate_of: str | None = None


def normalise_number(text: str) -> str:
    return text.strip().upper()


class Question(Static, can_focus=True):
    """The confirmation question; focusable, so y and n reach the dialog's bindings."""

    DEFAULT_CSS = """
    Question {
        height: auto;
        padding: 0 1;
        text-style: bold;
        background: $warning-muted;
        color: $text-warning;
    }
    """


class CloseDialog(ActionDialog[ClosePayload, R]):
    """Close `report` (that version of it); `submit(report, ClosePayload)` performs it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "yes", "yes", show=False, id="close.yes"),
        Binding("n", "no", "no", show=False, id="close.no"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Check the form and ask for confirmation (on the question: close). |
    | enter | | In the resolutions: choose, and on to the note (or the original's number). |
    | enter | | In the templates: fill the note with the highlighted one. |
    | y, enter | close.yes | On the question: close the report (after a failure: try again). |
    | n | close.no | On the question: back to the form. |
    | escape | dialog.cancel | On the question: back to the form; else close the dialog (draft kept). |
    """

    DEFAULT_CSS = """
    CloseDialog .field-label {
        color: $text-secondary;
    }
    CloseDialog #resolution-label {
        margin-top: 1;
    }
    CloseDialog #resolution {
        height: auto;
    }
    CloseDialog #duplicate-of {
        background: $boost;
    }
    CloseDialog #duplicate-label, CloseDialog #duplicate-of {
        display: none;
    }
    CloseDialog.-duplicate #duplicate-label, CloseDialog.-duplicate #duplicate-of {
        display: block;
    }
    CloseDialog #note {
        height: 5;
        min-height: 3;
    }
    CloseDialog #question {
        display: none;
    }
    CloseDialog.-confirming #question {
        display: block;
    }
    CloseDialog #dialog-message {
        margin-top: 0;
    }
    """

    AUTO_FOCUS = "#resolution"

    confirming: reactive[bool] = reactive(False, init=False)
    """True while the dialog asks for confirmation (the form is then read-only)."""

    resolution: reactive[Resolution] = reactive(RESOLUTIONS[0], init=False)
    """The resolution highlighted in the list."""

    def __init__(self, *args: Any, templates: TemplateLoader | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_choice = TemplateChoice(templates, "#note")

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        yield Label(Content(TEXTS("resolution")), id="resolution-label", classes="field-label")
        options = [Option(Content(TEXTS(str(value))), id=value.name) for value in RESOLUTIONS]
        yield OptionList(*options, id="resolution", compact=True)
        yield Label(Content(TEXTS("duplicate_of")), id="duplicate-label", classes="field-label")
        yield Input(placeholder=TEXTS("example"), id="duplicate-of", compact=True, max_length=20)
        yield from self.template_choice.compose()
        yield Label(Content(TEXTS("note")), classes="field-label")
        yield TextArea(id="note", soft_wrap=True, tab_behavior="focus")
        yield Question(id="question", markup=False)

    def hint_labels(self) -> dict[str, HintLabel]:
        return {
            "yes": TEXTS("yes"),
            "no": TEXTS("no"),
            "confirm": lambda: TEXTS("yes") if self.confirming else TEXTS("save"),
            "cancel": lambda: TEXTS("no") if self.confirming else TEXTS("cancel"),
        }

    def retry_keys(self) -> str:
        return "y/Enter" if self.confirming else "ctrl+s"

    def on_mount(self) -> None:
        self.query_one("#resolution", OptionList).highlighted = 0
        self.template_choice.start(self)

    # --- form state -----------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#resolution")
    def _resolution_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.resolution = RESOLUTIONS[event.option_index]

    @on(OptionList.OptionSelected, "#resolution")
    def _resolution_chosen(self) -> None:
        # On to what is typed next; the templates are a Tab away.
        duplicate = self.resolution is Resolution.DUPLIKAT
        self.query_one("#duplicate-of" if duplicate else "#note").focus()

    @on(TemplatePicker.Chosen)
    def _template_chosen(self, event: TemplatePicker.Chosen) -> None:
        self.template_choice.fill(self, event.template, self.report)

    @on(Input.Submitted, "#duplicate-of")
    def _duplicate_entered(self) -> None:
        self.query_one("#note", TextArea).focus()

    def watch_resolution(self, resolution: Resolution) -> None:
        self.set_class(resolution is Resolution.DUPLIKAT, "-duplicate")
        self.clear_message()

    def watch_confirming(self, confirming: bool) -> None:
        self.set_class(confirming, "-confirming")
        for widget in self.query("#resolution, #duplicate-of, #templates, #note"):
            widget.disabled = confirming
        if confirming:
            self.query_one("#question", Question).focus()
        else:
            self.query_one("#note", TextArea).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("yes", "no"):
            return self.confirming and not self.busy
        return super().check_action(action, parameters)

    # --- drafts and payload -----------------------------------------------------------------

    def current_draft(self) -> dict[str, Any]:
        return {
            "resolution": str(self.resolution),
            "note": self.query_one("#note", TextArea).text,
            "duplicate_of": self.query_one("#duplicate-of", Input).value,
        }

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        try:
            resolution = Resolution(draft.get("resolution") or RESOLUTIONS[0])
        except ValueError:
            resolution = RESOLUTIONS[0]
        if resolution not in RESOLUTIONS:
            resolution = RESOLUTIONS[0]
        self.query_one("#resolution", OptionList).highlighted = RESOLUTIONS.index(resolution)
        self.resolution = resolution
        self.query_one("#duplicate-of", Input).value = str(draft.get("duplicate_of") or "")
        self.query_one("#note", TextArea).load_text(str(draft.get("note") or ""))

    def build_payload(self) -> ClosePayload | None:
        note_area = self.query_one("#note", TextArea)
        duplicate_input = self.query_one("#duplicate-of", Input)
        duplicate_of: str | None = None
        if self.resolution is Resolution.DUPLIKAT:
            duplicate_of = normalise_number(duplicate_input.value)
            problem = None
            if not REPORT_NUMBER.fullmatch(duplicate_of):
                problem = "bad_number"
            elif duplicate_of == normalise_number(self.report_number):
                problem = "self_duplicate"
            if problem:
                self.show_message(TEXTS(problem))
                self.confirming = False
                duplicate_input.focus()
                return None
        note = note_area.text.strip()
        if not note:
            self.show_message(TEXTS("note_required"))
            self.confirming = False
            note_area.focus()
            return None
        return ClosePayload(self.resolution, note, duplicate_of)

    def question_text(self, payload: ClosePayload) -> str:
        if payload.duplicate_of:
            return TEXTS(
                "question_dup",
                number=self.number_text,
                resolution=str(payload.resolution),
                original=payload.duplicate_of,
            )
        return TEXTS("question", number=self.number_text, resolution=str(payload.resolution))

    # --- actions --------------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if self.busy:
            return
        if self.confirming:
            self.submit_payload()
            return
        if not self.ready_to_submit():  # a newer version shown: this confirm adopts it first
            return
        payload = self.build_payload()
        if payload is None:
            return
        self.clear_message()
        self.query_one("#question", Question).update(Content(self.question_text(payload)))
        self.confirming = True

    def action_yes(self) -> None:
        if self.confirming:
            self.submit_payload()

    def action_no(self) -> None:
        if self.confirming and not self.busy:
            self.confirming = False

    def action_cancel(self) -> None:
        if self.confirming and not self.busy:
            self.confirming = False
            return
        super().action_cancel()

    def after_failure(self, error: CrmApiError) -> None:
        if isinstance(error, PreconditionFailed):
            self.confirming = False  # the report changed: decide again on the new version

    def on_offered(self) -> None:
        self.confirming = False  # the question was about the version the operator saw
