"""`ReopenDialog`: reopen a Selesai report (back to Proses with its last officer), with the
reason, which is required. Ctrl+S reopens; the payload is the reason's text."""

from __future__ import annotations

from typing import TypeVar

from crm_tui.dialogs.key_hints import Label
from crm_tui.dialogs.note_dialog import NoteDialog
from widgets.i18n import Texts

R = TypeVar("R")

TEXTS = Texts(
    id={
        "title": "Buka kembali {number}: alasannya",
        "required": "Alasan wajib diisi.",
        "reopen": "buka kembali",
        "cancel": "batal",
    },
    en={
        "title": "Reopen {number}: why",
        "required": "The reason is required.",
        "reopen": "reopen",
        "cancel": "cancel",
    },
)


class ReopenDialog(NoteDialog[R]):
    """As the note dialog, with the reopening's words.

    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Reopen (again, after a failure). |
    | escape | dialog.cancel | Close; the text is kept as a draft. |
    """

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def hint_labels(self) -> dict[str, Label]:
        return {"confirm": TEXTS("reopen"), "cancel": TEXTS("cancel")}

    def empty_message(self) -> str:
        return TEXTS("required")
