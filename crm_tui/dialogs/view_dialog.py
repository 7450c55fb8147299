"""`ViewDialog`: switch the report list to a saved view; returns the view's name or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from crm_tui.views import View
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={"title": "Tampilan tersimpan", "current": "  (sekarang)", "choose": "pilih", "cancel": "batal"},
    en={"title": "Saved views", "current": "  (current)", "choose": "choose", "cancel": "cancel"},
)


class ViewDialog(DialogScreen[str | None]):
    """The saved views, built in and from the config file; the current one highlighted and marked.

    | Key | Binding id | Action |
    | :- | :- | :- |
    | up/down, enter | (list) | Move, choose. |
    | escape | dialog.cancel | Keep the view as it is. |
    """

    DEFAULT_CSS = """
    ViewDialog > #dialog-frame {
        width: 50;
    }
    ViewDialog #dialog-title {
        margin-bottom: 1;
    }
    ViewDialog #views {
        height: auto;
        max-height: 12;
        margin-bottom: 1;
    }
    """

    AUTO_FOCUS = "#views"

    def __init__(self, views: list[View], current: str) -> None:
        super().__init__()
        self.views = views
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(TEXTS("title")), id="dialog-title", markup=False)
            options = [
                # Titles come from the config file: one plain line, never markup.
                Option(
                    Content(
                        line(view.shown_title, max_chars=40) + (TEXTS("current") if view.name == self.current else "")
                    )
                )
                for view in self.views
            ]
            yield OptionList(*options, id="views", compact=True)
            yield KeyHints({"select": TEXTS("choose"), "cancel": TEXTS("cancel")}, id="dialog-keys")

    def on_mount(self) -> None:
        names = [view.name for view in self.views]
        self.query_one("#views", OptionList).highlighted = names.index(self.current) if self.current in names else 0

    @on(OptionList.OptionSelected, "#views")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.views[event.option_index].name)
