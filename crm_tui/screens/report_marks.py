"""The main screen's marks: the reports a bulk action (assign, close, note) applies to.

Space marks or unmarks the row under the cursor and moves down; `V` marks every loaded row from
the last one marked to the cursor; `u` clears the marks. A mark keeps the version the operator
saw: a bulk action sends that version, so a change made since is a conflict, never overwritten.
"""

from __future__ import annotations

from crm_tui.screens.report_browser import ReportBrowser
from widgets.i18n import Texts

TEXTS = Texts(
    id={
        "not_loaded": "Baris ini belum dimuat; tunggu sebentar lalu tandai lagi.",
        "range_not_loaded": "{count} baris dalam rentang belum dimuat dan tidak ditandai.",
        "cleared": "{count} tanda dihapus.",
        "none": "Tidak ada laporan yang ditandai.",
    },
    en={
        "not_loaded": "This row is not loaded yet; wait a moment and mark it again.",
        "range_not_loaded": "{count} rows in the range are not loaded yet and were not marked.",
        "cleared": "{count} marks cleared.",
        "none": "No report is marked.",
    },
)


class ReportMarks(ReportBrowser):
    """Marking reports for a bulk action."""

    def action_mark(self) -> None:
        index = self.table.cursor
        row = self.window.row(index)
        if row is None:
            self.notify(TEXTS("not_loaded"), severity="warning")
            return
        if self.marks.pop(row.number, None) is None:
            self.marks[row.number] = row
        self.mark_anchor = index
        self.marks_changed()
        if index + 1 < (self.window.total or 0):
            self.table.cursor = index + 1

    def action_mark_range(self) -> None:
        anchor, cursor = self.mark_anchor, self.table.cursor
        if anchor is None:
            self.action_mark()
            return
        missing = 0
        for index in range(min(anchor, cursor), max(anchor, cursor) + 1):
            row = self.window.row(index)
            if row is None:
                missing += 1
            else:
                self.marks.setdefault(row.number, row)
        self.mark_anchor = cursor
        self.marks_changed()
        if missing:
            self.notify(TEXTS("range_not_loaded", count=missing), severity="warning")

    def action_clear_marks(self) -> None:
        if not self.marks:
            self.notify(TEXTS("none"), severity="warning")
            return
        count = len(self.marks)
        self.marks.clear()
        self.mark_anchor = None
        self.marks_changed()
        self.notify(TEXTS("cleared", count=count))
