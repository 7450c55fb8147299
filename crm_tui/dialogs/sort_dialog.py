"""`SortDialog`: choose the order of the report list; returns a sort key or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from widgets.i18n import Texts

SORTS: tuple[str, ...] = ("-created", "created", "-updated", "updated", "-due", "due", "status", "-status")

TEXTS = Texts(
    id={
        "title": "Urutkan laporan",
        "-created": "Terbaru dibuat dulu",
        "created": "Terlama dibuat dulu",
        "-updated": "Terakhir diperbarui dulu",
        "updated": "Paling lama tidak diperbarui dulu",
        "-due": "Tenggat terjauh dulu",
        "due": "Tenggat terdekat dulu",
        "status": "Status (urutan alur kerja)",
        "-status": "Status (urutan terbalik)",
        "current": "  (sekarang)",
        "choose": "pilih",
        "cancel": "batal",
    },
    en={
        "title": "Sort reports",
        "-created": "Newest first",
        "created": "Oldest first",
        "-updated": "Recently updated first",
        "updated": "Least recently updated first",
        "-due": "Latest deadline first",
        "due": "Nearest deadline first",
        "status": "Status (workflow order)",
        "-status": "Status (reverse order)",
        "current": "  (current)",
        "choose": "choose",
        "cancel": "cancel",
    },
)


class SortDialog(DialogScreen[str | None]):
    """The eight orders of the list; the current one is highlighted and marked."""

    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | up/down, enter | (list) | Move, choose. |
    | escape | dialog.cancel | Keep the order as it is. |
    """

    DEFAULT_CSS = """
    SortDialog > #dialog-frame {
        width: 50;
    }
    SortDialog #dialog-title {
        margin-bottom: 1;
    }
    SortDialog #sorts {
        height: auto;
        margin-bottom: 1;
    }
    """

    AUTO_FOCUS = "#sorts"

    def __init__(
        self,
        current: str,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(TEXTS("title")), id="dialog-title", markup=False)
            options = [
                Option(Content(TEXTS(key) + (TEXTS("current") if key == self.current else "")), id=key) for key in SORTS
            ]
            yield OptionList(*options, id="sorts", compact=True)
            yield KeyHints({"select": TEXTS("choose"), "cancel": TEXTS("cancel")}, id="dialog-keys")

    def on_mount(self) -> None:
        options = self.query_one("#sorts", OptionList)
        options.highlighted = SORTS.index(self.current) if self.current in SORTS else 0

    @on(OptionList.OptionSelected, "#sorts")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(SORTS[event.option_index])
