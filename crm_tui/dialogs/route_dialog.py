"""`RouteDialog`: pass a report to another agency. Coordination (`o`) offers every agency but
the one holding the report; disposition (`d`) only the Suku Dinas of the Dinas holding it. Type
to narrow (name or code), a note says why (required); Ctrl+S sends.

Agency names are sanitised and drawn as `Content`. The payload given to `submit` is a
`RoutePayload`: the chosen agency's code and the note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, OptionList, TextArea

from api_client.models import Agency, ReportSummary
from crm_tui.dialogs.action_dialog import ActionDialog, DraftKeeper, Refusal, Reload, Submit
from crm_tui.dialogs.key_hints import Label
from crm_tui.dialogs.narrowed_list import NarrowedList
from widgets.i18n import Texts
from widgets.safe_text import line

R = TypeVar("R")
RouteAction = Literal["coordinate", "dispose"]

TEXTS = Texts(
    id={
        "title_coordinate": "Koordinasikan {number} ke instansi yang berwenang",
        "title_dispose": "Disposisikan {number} ke Suku Dinas",
        "placeholder": "Ketik untuk menyaring (nama atau kode instansi)",
        "note": "Alasan (wajib):",
        "no_match": "Tidak ada instansi yang cocok dengan penyaring.",
        "required": "Tulis alasannya: mengapa laporan ini ke sana.",
        "send": "kirim",
        "cancel": "batal",
    },
    en={
        "title_coordinate": "Coordinate {number} to the responsible agency",
        "title_dispose": "Dispose {number} to a Suku Dinas",
        "placeholder": "Type to narrow (agency name or code)",
        "note": "Why (required):",
        "no_match": "No agency matches the filter.",
        "required": "Write why: why the report goes there.",
        "send": "send",
        "cancel": "cancel",
    },
)


@dataclass(frozen=True)
class RoutePayload:
    agency: str  # the receiving agency's code
    note: str


def targets(action: RouteAction, report: ReportSummary, agencies: Sequence[Agency]) -> list[Agency]:
    """Where `report` may go: any other agency (coordination), or a Suku Dinas of the Dinas
    holding it (disposition), as the server allows."""
    here = report.agency.code
    if action == "dispose":
        return [a for a in agencies if a.kind == "suku_dinas" and a.parent_code == here]
    return [a for a in agencies if a.code != here]


def agency_prompt(agency: Agency) -> Content:
    return Content(f"{line(agency.name, max_chars=60)} ({line(agency.code, max_chars=40)})")


def agency_choices(agencies: Sequence[Agency]) -> NarrowedList[Agency]:
    """`agencies` to pick from (here and in the bulk dialog); typing matches the name or code."""
    return NarrowedList(agencies, key=lambda a: a.code, words=lambda a: f"{a.name}\n{a.code}", prompt=agency_prompt)


class RouteDialog(ActionDialog[RoutePayload, R]):
    """Coordinate or dispose `report` (that version of it) to one of `agencies`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "down", show=False, id="route.down"),
        Binding("up", "move(-1)", "up", show=False, id="route.up"),
        Binding("pagedown", "move(8)", "page down", show=False, id="route.page_down"),
        Binding("pageup", "move(-8)", "page up", show=False, id="route.page_up"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | up/down, pgup/pgdn | route.up, route.down, ... | Move the highlight while typing the filter. |
    | enter | | From the filter: to the note. |
    | ctrl+s | dialog.confirm | Send to the highlighted agency. |
    | escape | dialog.cancel | Close; the filter, the agency and the note are kept as a draft. |
    """

    DEFAULT_CSS = """
    RouteDialog #agency-filter { margin-top: 1; }
    RouteDialog #agencies { height: auto; max-height: 8; min-height: 3; }
    RouteDialog #route-note { height: 5; min-height: 3; }
    """

    AUTO_FOCUS = "#agency-filter"

    def __init__(
        self,
        action: RouteAction,
        report: ReportSummary,
        agencies: Sequence[Agency],
        submit: Submit[RoutePayload, R],
        *,
        reload: Reload | None = None,
        refusal: Refusal | None = None,
        draft: Mapping[str, Any] | None = None,
        keep_draft: DraftKeeper | None = None,
    ) -> None:
        super().__init__(report, submit, reload=reload, refusal=refusal, draft=draft, keep_draft=keep_draft)
        self.action_name = action
        self.choices = agency_choices(targets(action, report, agencies))
        self.agencies: tuple[Agency, ...] = self.choices.choices

    def dialog_title(self) -> str:
        return TEXTS(f"title_{self.action_name}", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=TEXTS("placeholder"), id="agency-filter", compact=True)
        yield OptionList(*self.choices.options(), id="agencies", compact=True)
        yield TextArea(id="route-note", soft_wrap=True, tab_behavior="focus", placeholder=TEXTS("note"))

    def hint_labels(self) -> dict[str, Label]:
        return {"confirm": TEXTS("send"), "cancel": TEXTS("cancel")}

    def on_mount(self) -> None:
        if self.choices.shown:
            self.query_one("#agencies", OptionList).highlighted = 0

    @property
    def highlighted_agency(self) -> Agency | None:
        return self.choices.highlighted(self.query_one("#agencies", OptionList))

    def narrow(self, text: str, keep: str | None = None) -> None:
        self.choices.narrow(self.query_one("#agencies", OptionList), text, keep)

    @on(Input.Changed, "#agency-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.narrow(event.value)
        self.clear_message()

    @on(Input.Submitted, "#agency-filter")
    @on(OptionList.OptionSelected, "#agencies")
    def _to_note(self) -> None:
        self.query_one("#route-note", TextArea).focus()

    def action_move(self, step: int) -> None:
        self.choices.move(self.query_one("#agencies", OptionList), step)

    def current_draft(self) -> dict[str, Any]:
        agency = self.highlighted_agency
        return {
            "filter": self.query_one("#agency-filter", Input).value,
            "agency": agency.code if agency else None,
            "note": self.query_one("#route-note", TextArea).text,
        }

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        text = str(draft.get("filter") or "")
        keep = draft.get("agency")
        self.query_one("#agency-filter", Input).value = text
        self.narrow(text, keep=str(keep) if keep else None)
        self.query_one("#route-note", TextArea).load_text(str(draft.get("note") or ""))

    def build_payload(self) -> RoutePayload | None:
        agency = self.highlighted_agency
        if agency is None:
            self.show_message(TEXTS("no_match"))
            self.query_one("#agency-filter", Input).focus()
            return None
        note = self.query_one("#route-note", TextArea).text.strip()
        if not note:
            self.show_message(TEXTS("required"))
            self.query_one("#route-note", TextArea).focus()
            return None
        return RoutePayload(agency.code, note)
