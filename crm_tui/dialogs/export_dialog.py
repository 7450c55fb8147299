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
        self.done, self.total = 0, 0
        self.ended: tuple[str, str] | None = None  # the last message and its kind, once ended

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            shown = line(str(self.path), max_chars=60)
            yield Static(Content(TEXTS("title", path=shown)), id="dialog-title", markup=False)
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="dialog-message", markup=False)
            yield KeyHints({"cancel": lambda: TEXTS("stop" if self.running else "close")}, id="dialog-keys")

    def show_progress(self, done: int, total: int) -> None:
        self.done, self.total = done, max(total, done)
        if self.is_mounted:  # else on mount: a page can come before the dialog is drawn
            self._show()

    def show_done(self, count: int) -> None:
        self._end(TEXTS("done", count=f"{count:,}", path=line(str(self.path), max_chars=60)))

    def show_failed(self, reason: str) -> None:
        self._end(TEXTS("failed", reason=reason), kind="error")

    def _end(self, text: str, *, kind: str = "info") -> None:
        self.running, self.ended = False, (text, kind)
        if self.is_mounted:
            self._show()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        if self.total:
            self.query_one(ProgressBar).update(total=self.total, progress=self.done)
        self.query_one(KeyHints).refresh_hints()
        if self.ended is not None:
            text, kind = self.ended
            self.show_message(text, kind=kind)
        elif self.total:
            self.show_message(TEXTS("progress", done=f"{self.done:,}", total=f"{self.total:,}"), kind="info")
