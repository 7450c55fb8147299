"""`ExportDialog`: the progress of an export (`:export PATH.csv`), and how it ended.

The main screen runs the export and tells this dialog how far it got; Esc closes the dialog,
which stops an export still running (the partial file is removed)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import ProgressBar, Static

from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "title": "Ekspor ke {path}",
        "progress": "{done} dari {total} laporan",
        "done": "Selesai: {count} laporan ditulis ke {path}.",
        "failed": "Ekspor berhenti: {reason} Berkas tidak ditulis.",
        "stop": "hentikan",
        "close": "tutup",
    },
    en={
        "title": "Export to {path}",
        "progress": "{done} of {total} reports",
        "done": "Done: {count} reports written to {path}.",
        "failed": "The export stopped: {reason} No file was written.",
        "stop": "stop",
        "close": "close",
    },
)


class ExportDialog(DialogScreen[None]):
    """| Key | Binding id | Action |
    | :- | :- | :- |
    | escape | dialog.cancel | Stop the export (while it runs), or close. |
    """

    DEFAULT_CSS = """
    ExportDialog #export-progress { margin: 1 0; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.running = True

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            shown = line(str(self.path), max_chars=60)
            yield Static(Content(TEXTS("title", path=shown)), id="dialog-title", markup=False)
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="dialog-message", markup=False)
            yield KeyHints({"cancel": lambda: TEXTS("stop" if self.running else "close")}, id="dialog-keys")

    def show_progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, done), progress=done)
        self._say(TEXTS("progress", done=f"{done:,}", total=f"{max(total, done):,}"))

    def show_done(self, count: int) -> None:
        self._end(TEXTS("done", count=f"{count:,}", path=line(str(self.path), max_chars=60)))

    def show_failed(self, reason: str) -> None:
        self._end(TEXTS("failed", reason=reason))

    def _end(self, text: str) -> None:
        self.running = False
        self._say(text)
        self.query_one(KeyHints).refresh_hints()

    def _say(self, text: str) -> None:
        self.query_one("#dialog-message", Static).update(Content(text))
