"""`DialogScreen`: what every centred dialog shares: the frame, the title, Esc, an inline message."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

T = TypeVar("T")


class DialogScreen(ModalScreen[T]):
    """A modal screen drawn as a framed box in the middle; Esc cancels (dismisses with None).

    Subclasses compose a `#dialog-frame` holding a `#dialog-title`, their fields, a
    `#dialog-message` (Static, markup off) and a `KeyHints` line.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False, id="dialog.cancel")]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | escape | dialog.cancel | Close the dialog without a result. |
    """

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    DialogScreen > #dialog-frame {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    DialogScreen #dialog-title {
        text-style: bold;
        color: $text-primary;
    }
    DialogScreen .field-label {
        color: $text-secondary;
    }
    DialogScreen #dialog-message {
        height: auto;
        max-height: 5;
        display: none;
    }
    DialogScreen #dialog-message.-error {
        color: $text-error;
        background: $error-muted;
    }
    DialogScreen #dialog-message.-busy {
        color: $text-muted;
    }
    DialogScreen #dialog-message.-changed {
        color: $text-warning;
        background: $warning-muted;
    }
    /* Without colour the highlight would vanish (it is a background): underline it. */
    DialogScreen OptionList:nocolor > .option-list--option-highlighted,
    DialogScreen DataTable:nocolor > .datatable--cursor {
        text-style: bold underline;
    }
    """

    def show_message(self, text: str, *, kind: str = "error") -> None:
        """Show `text` under the form; any outside text in it must be sanitised already."""
        message = self.query_one("#dialog-message", Static)
        message.update(Content(text))
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "busy", "-busy")
        message.set_class(kind == "changed", "-changed")
        message.display = bool(text)

    def clear_message(self) -> None:
        self.show_message("", kind="info")

    @property
    def message_text(self) -> str:
        """The message shown now, as plain text ("" when none)."""
        message = self.query_one("#dialog-message", Static)
        return str(message.render()) if message.display else ""

    def action_cancel(self) -> None:
        self.dismiss(None)
