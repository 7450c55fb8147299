"""`CommandLine`: the `:` prompt docked at the bottom; returns what was typed (or None).

The screen parses the result with `crm_tui.commands.parse_command`. Up and Down walk through
`history` (earlier commands, oldest first).
"""

from __future__ import annotations

from collections.abc import Sequence
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

MAX_COMMAND_CHARS = 100

TEXTS = Texts(
    id={"placeholder": "JK2503050007, r, help, q", "run": "jalankan", "cancel": "batal"},
    en={"placeholder": "JK2503050007, r, help, q", "run": "run", "cancel": "cancel"},
    same=frozenset({"placeholder"}),
)


class CommandLine(ModalScreen[str | None]):
    """A one-line `:` prompt. Enter gives the text (stripped); Esc or an empty line gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", show=False, id="dialog.cancel"),
        Binding("up", "history(-1)", "previous", show=False, id="command.history_previous"),
        Binding("down", "history(1)", "next", show=False, id="command.history_next"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | enter | (input) | Run the command. |
    | up/down | command.history_previous/next | Earlier commands. |
    | escape | dialog.cancel | Close the command line. |
    """

    DEFAULT_CSS = """
    CommandLine {
        align: left bottom;
        background: $background 30%;
    }
    CommandLine > #bar {
        height: 1;
        width: 100%;
        background: $panel;
    }
    CommandLine #prompt {
        width: 1;
        color: $text-accent;
        text-style: bold;
    }
    CommandLine #command {
        width: 1fr;
    }
    CommandLine #dialog-keys {
        width: auto;
        padding: 0 1;
    }
    """

    AUTO_FOCUS = "#command"

    def __init__(
        self,
        history: Sequence[str] = (),
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.history: tuple[str, ...] = tuple(history)
        self._position = len(self.history)  # len(history): the new line being typed
        self._typed = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Label(Content(":"), id="prompt")
            yield Input(placeholder=TEXTS("placeholder"), id="command", compact=True, max_length=MAX_COMMAND_CHARS)
            yield KeyHints({"submit": TEXTS("run"), "cancel": TEXTS("cancel")}, id="dialog-keys")

    @on(Input.Submitted, "#command")
    def _run(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        command = self.query_one("#command", Input)
        if self._position == len(self.history):
            self._typed = command.value
        self._position = max(0, min(len(self.history), self._position + step))
        text = self._typed if self._position == len(self.history) else self.history[self._position]
        command.value = text
        command.cursor_position = len(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
