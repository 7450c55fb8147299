"""`AssignDialog`: choose the officer a report goes to; type to narrow, Enter assigns.

Each officer shows as "Display Name (username) · N open": the name and username are sanitised
and the prompt is `Content`, so a display name full of markup or escapes is shown literally.
The payload given to `submit` is the chosen officer's username.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, OptionList

from api_client.models import Officer, ReportSummary
from crm_tui.dialogs.action_dialog import ActionDialog, DraftKeeper, Refusal, Reload, Submit
from crm_tui.dialogs.key_hints import Label
from crm_tui.dialogs.narrowed_list import NarrowedList
from widgets.i18n import Texts
from widgets.safe_text import line

R = TypeVar("R")

TEXTS = Texts(
    id={
        "title": "Tugaskan {number}",
        "placeholder": "Ketik untuk menyaring (nama atau username)",
        "officer": "{name} ({username}) \u00b7 {n} terbuka",
        "no_match": "Tidak ada petugas yang cocok dengan penyaring.",
        "none": "Tidak ada petugas yang dapat ditugaskan.",
        "assign": "tugaskan",
        "move": "pilih",
        "cancel": "batal",
    },
    en={
        "title": "Assign {number}",
        "placeholder": "Type to narrow (name or username)",
        "officer": "{name} ({username}) \u00b7 {n} open",
        "no_match": "No officer matches the filter.",
        "none": "There is no officer you can assign to.",
        "assign": "assign",
        "move": "choose",
        "cancel": "cancel",
    },
)


def officer_prompt(officer: Officer) -> Content:
    """ "Display Name (username) · N open", sanitised, as literal Content."""
    return Content(
        TEXTS(
            "officer",
            name=line(officer.display_name, max_chars=60),
            username=line(officer.username, max_chars=40),
            n=officer.open_workload,
        )
    )


class AssignDialog(ActionDialog[str, R]):
    """Assign `report` (that version of it) to one of `officers` (those the operator may assign to)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "assign", show=False, id="assign.confirm"),
        Binding("down", "move(1)", "down", show=False, id="assign.down"),
        Binding("up", "move(-1)", "up", show=False, id="assign.up"),
        Binding("pagedown", "move(8)", "page down", show=False, id="assign.page_down"),
        Binding("pageup", "move(-8)", "page up", show=False, id="assign.page_up"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | enter | assign.confirm | Assign to the highlighted officer (also from the filter input). |
    | up/down, pgup/pgdn | assign.up, assign.down, ... | Move the highlight while typing. |
    | ctrl+s | dialog.confirm | Assign (as Enter). |
    | escape | dialog.cancel | Close; the filter and the highlighted officer are kept as a draft. |
    """

    DEFAULT_CSS = """
    AssignDialog #officer-filter {
        margin-top: 1;
    }
    AssignDialog #officers {
        height: auto;
        max-height: 12;
        min-height: 3;
    }
    """

    AUTO_FOCUS = "#officer-filter"

    def __init__(
        self,
        report: ReportSummary,
        officers: Sequence[Officer],
        submit: Submit[str, R],
        *,
        reload: Reload | None = None,
        refusal: Refusal | None = None,
        draft: Mapping[str, Any] | None = None,
        keep_draft: DraftKeeper | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(
            report,
            submit,
            reload=reload,
            refusal=refusal,
            draft=draft,
            keep_draft=keep_draft,
            name=name,
            id=id,
            classes=classes,
        )
        # Typing matches the display name or the username.
        self.choices = NarrowedList(
            officers,
            key=lambda o: o.username,
            words=lambda o: f"{o.display_name}\n{o.username}",
            prompt=officer_prompt,
        )
        self.officers: tuple[Officer, ...] = self.choices.choices

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=TEXTS("placeholder"), id="officer-filter", compact=True)
        yield OptionList(*self.choices.options(), id="officers", compact=True)

    def hint_labels(self) -> dict[str, Label]:
        return {
            "submit": TEXTS("assign"),
            "select": TEXTS("assign"),
            "confirm": TEXTS("assign"),
            "cancel": TEXTS("cancel"),
        }

    def retry_keys(self) -> str:
        return "Enter"

    def on_mount(self) -> None:
        if self.choices.shown:
            self.query_one("#officers", OptionList).highlighted = 0

    # --- the list -------------------------------------------------------------------------------

    @property
    def highlighted_officer(self) -> Officer | None:
        return self.choices.highlighted(self.query_one("#officers", OptionList))

    def narrow(self, text: str, keep: str | None = None) -> None:
        """Show the officers matching `text`, keeping `keep` (a username) highlighted if shown."""
        self.choices.narrow(self.query_one("#officers", OptionList), text, keep)

    @on(Input.Changed, "#officer-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.narrow(event.value)
        self.clear_message()

    @on(Input.Submitted, "#officer-filter")
    @on(OptionList.OptionSelected, "#officers")
    def _chosen(self) -> None:
        self.action_confirm()

    def action_move(self, step: int) -> None:
        self.choices.move(self.query_one("#officers", OptionList), step)

    # --- drafts and payload -----------------------------------------------------------------

    def current_draft(self) -> dict[str, Any]:
        officer = self.highlighted_officer
        return {
            "filter": self.query_one("#officer-filter", Input).value,
            "officer": officer.username if officer else None,
        }

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        text = str(draft.get("filter") or "")
        keep = draft.get("officer")
        self.query_one("#officer-filter", Input).value = text
        self.narrow(text, keep=str(keep) if keep else None)

    def build_payload(self) -> str | None:
        officer = self.highlighted_officer
        if officer is None:
            self.show_message(TEXTS("no_match") if self.officers else TEXTS("none"))
            return None
        return officer.username
