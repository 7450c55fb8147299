"""`TextFilterDialog`: the `/` search bar docked at the bottom; returns the text for `q`.

Enter applies (an empty text clears the filter: ""), Esc cancels (None).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from crm_tui.dialogs.key_hints import KeyHints
from widgets.i18n import Texts

MAX_QUERY_CHARS = 200

TEXTS = Texts(
    id={"placeholder": "Cari nomor, judul, isi atau alamat", "apply": "terapkan", "cancel": "batal"},
    en={"placeholder": "Search number, title, text or address", "apply": "apply", "cancel": "cancel"},
)


class TextFilterDialog(ModalScreen[str | None]):
    """A one-line prompt at the bottom of the screen, prefilled with the current text."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False, id="dialog.cancel")]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | enter | (input) | Apply; an empty text clears the filter. |
    | escape | dialog.cancel | Leave the filter as it was. |
    """

    DEFAULT_CSS = """
    TextFilterDialog {
        align: left bottom;
        background: $background 30%;
    }
    TextFilterDialog > #bar {
        height: 1;
        width: 100%;
        background: $panel;
    }
    TextFilterDialog #prompt {
        width: 2;
        color: $text-accent;
        text-style: bold;
    }
    TextFilterDialog #text {
        width: 1fr;
    }
    TextFilterDialog #dialog-keys {
        width: auto;
        padding: 0 1;
    }
    """

    AUTO_FOCUS = "#text"

    def __init__(
        self,
        current: str = "",
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Label(Content("/"), id="prompt")
            yield Input(
                self.current,
                placeholder=TEXTS("placeholder"),
                id="text",
                compact=True,
                max_length=MAX_QUERY_CHARS,
                select_on_focus=False,  # the cursor at the end: refine what is there
            )
            yield KeyHints({"submit": TEXTS("apply"), "cancel": TEXTS("cancel")}, id="dialog-keys")

    @on(Input.Submitted, "#text")
    def _apply(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
