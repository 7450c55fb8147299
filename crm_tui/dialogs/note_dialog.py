"""`NoteDialog`: add a note to a report. Ctrl+S saves; an empty note is refused in the dialog.

The payload given to `submit` is the note's text (stripped of surrounding blank space).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.widgets import TextArea

from crm_tui.dialogs.action_dialog import ActionDialog
from crm_tui.dialogs.key_hints import Label
from widgets.i18n import Texts

R = TypeVar("R")

TEXTS = Texts(
    id={
        "title": "Catatan untuk {number}",
        "required": "Catatan tidak boleh kosong.",
        "save": "simpan",
        "cancel": "batal",
    },
    en={
        "title": "Note on {number}",
        "required": "The note cannot be empty.",
        "save": "save",
        "cancel": "cancel",
    },
)


class NoteDialog(ActionDialog[str, R]):
    """Write a note on `report`; `submit(report, text)` saves it.

    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Save the note (again, after a failure). |
    | escape | dialog.cancel | Close; the text is kept as a draft. |
    """

    DEFAULT_CSS = """
    NoteDialog #note {
        height: 10;
        min-height: 3;
        margin-top: 1;
    }
    """
    AUTO_FOCUS = "#note"

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        yield TextArea(id="note", soft_wrap=True, tab_behavior="focus")

    def hint_labels(self) -> dict[str, Label]:
        return {"confirm": TEXTS("save"), "cancel": TEXTS("cancel")}

    def current_draft(self) -> dict[str, Any]:
        return {"text": self.query_one("#note", TextArea).text}

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        self.query_one("#note", TextArea).load_text(str(draft.get("text") or ""))

    def empty_message(self) -> str:
        """What an empty text is told."""
        return TEXTS("required")

    def build_payload(self) -> str | None:
        text = self.query_one("#note", TextArea).text.strip()
        if not text:
            self.show_message(self.empty_message())
            self.query_one("#note", TextArea).focus()
            return None
        return text
