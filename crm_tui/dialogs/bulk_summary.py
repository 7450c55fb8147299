"""`BulkSummary`: a bulk action as it goes, then what became of each marked report: done,
conflicts (who changed what since it was marked), refused (why), failed (why; try again later)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import ProgressBar, Static

from crm_tui.bulk import Outcome
from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "running": "Mengirim {done} dari {count}\u2026",
        "done": "Berhasil: {count}.",
        "conflict": "Konflik (diubah orang lain sejak ditandai; tetap ditandai, versi barunya kini tampil):",
        "refused": "Ditolak (tetap ditandai):",
        "failed": "Gagal (tetap ditandai; coba lagi nanti):",
        "row": "  {number}: {why}",
        "close": "tutup",
        "wait": "tunggu\u2026",
    },
    en={
        "running": "Sending {done} of {count}\u2026",
        "done": "Done: {count}.",
        "conflict": "Conflicts (changed by someone else since marked; still marked, their new version now shown):",
        "refused": "Refused (still marked):",
        "failed": "Failed (still marked; try again later):",
        "row": "  {number}: {why}",
        "close": "close",
        "wait": "wait\u2026",
    },
    same=frozenset({"row"}),
)


class BulkSummary(DialogScreen[None]):
    """| Key | Binding id | Action |
    | :- | :- | :- |
    | escape, enter | dialog.cancel, bulk.close | Close, once every report has its outcome. |

    Not before: a write in flight is never cancelled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "cancel", "close", show=False, id="bulk.close")]

    DEFAULT_CSS = """
    BulkSummary #bulk-outcomes { height: auto; max-height: 16; }
    BulkSummary #dialog-message { max-height: 100; display: block; }
    BulkSummary #bulk-progress { margin: 1 0 0 0; }
    """

    def __init__(self, title: str, count: int) -> None:
        super().__init__()
        self.title_text = title
        self.count = count
        self.running = True
        self.done = 0
        self.outcomes: list[Outcome] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(self.title_text), id="dialog-title", markup=False)
            yield ProgressBar(total=self.count, id="bulk-progress", show_eta=False)
            with VerticalScroll(id="bulk-outcomes"):
                yield Static(Content(TEXTS("running", done=0, count=self.count)), id="dialog-message", markup=False)
            yield KeyHints({"cancel": lambda: TEXTS("wait" if self.running else "close")}, id="dialog-keys")

    def action_cancel(self) -> None:
        if not self.running:  # a write in flight is never cancelled
            self.dismiss(None)

    def show_progress(self, done: int) -> None:
        self.done = done
        if self.is_mounted:  # else on mount: outcomes can come before the dialog is drawn
            self._show()

    def show_outcomes(self, outcomes: list[Outcome]) -> None:
        self.running, self.outcomes = False, outcomes
        if self.is_mounted:
            self._show()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self.query_one(ProgressBar).update(progress=self.done)
        self.query_one(KeyHints).refresh_hints()
        if self.running:
            self.show_message(TEXTS("running", done=self.done, count=self.count), kind="busy")
            return
        outcomes = self.outcomes
        parts = [TEXTS("done", count=sum(1 for o in outcomes if o.kind == "done"))]
        for kind in ("conflict", "refused", "failed"):
            rows = [o for o in outcomes if o.kind == kind]
            if rows:
                parts += ["", TEXTS(kind)]
                parts += [TEXTS("row", number=line(o.number), why=line(o.why, max_chars=300)) for o in rows]
        self.show_message("\n".join(parts), kind="info")
