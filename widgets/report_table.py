"""The report list: a Line API view onto a row source it never copies.

The table draws only the lines on screen, asking its `RowSource` for each visible row, so a
million reports cost what a screenful costs. Rows not loaded yet are drawn as dim placeholders
and asked for with `RowsNeeded`; the screen fetches them and calls `refresh_rows()`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from api_client.models import ReportSummary
from widgets import safe_text
from widgets.i18n import Texts
from widgets.report_row import GAP, Column, fit, header_cells, layout_columns, row_cells

TEXTS = Texts(
    id={
        "loading": "Memuat laporan…",
        "empty": "Tidak ada laporan.",
        "row_loading": "…",
        "down": "Turun",
        "up": "Naik",
        "top": "Paling atas",
        "bottom": "Paling bawah",
        "page_down": "Halaman berikut",
        "page_up": "Halaman sebelumnya",
        "open": "Buka",
    },
    en={
        "loading": "Loading reports…",
        "empty": "No reports.",
        "row_loading": "…",
        "down": "Down",
        "up": "Up",
        "top": "Top",
        "bottom": "Bottom",
        "page_down": "Page down",
        "page_up": "Page up",
        "open": "Open",
    },
    same=frozenset({"row_loading"}),
)


class RowSource(Protocol):
    """Where the table reads its rows from; it holds a bounded window, not the dataset."""

    total: int | None  # None until the first page arrived

    def row(self, index: int) -> ReportSummary | None:  # None: not loaded yet
        ...


class ReportTable(ScrollView, can_focus=True):
    """The operator's report list, one line per report, under a header that stays put."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", TEXTS("down"), show=False, id="report_table.cursor_down"),
        Binding("up,k", "cursor_up", TEXTS("up"), show=False, id="report_table.cursor_up"),
        Binding("g,home", "top", TEXTS("top"), show=False, id="report_table.top"),
        Binding("G,end", "bottom", TEXTS("bottom"), show=False, id="report_table.bottom"),
        Binding("pagedown", "page_down", TEXTS("page_down"), show=False, id="report_table.page_down"),
        Binding("pageup", "page_up", TEXTS("page_up"), show=False, id="report_table.page_up"),
        Binding("enter", "select", TEXTS("open"), show=False, id="report_table.select"),
    ]
    """
    | Key(s) | Id | Description |
    | :- | :- | :- |
    | down, j | report_table.cursor_down | Move the cursor down. |
    | up, k | report_table.cursor_up | Move the cursor up. |
    | g, home | report_table.top | Move to the first report. |
    | G, end | report_table.bottom | Move to the last report. |
    | pagedown | report_table.page_down | Move down a page. |
    | pageup | report_table.page_up | Move up a page. |
    | enter | report_table.select | Select the report under the cursor. |
    """

    DEFAULT_CSS = """
    ReportTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .report-table--header { background: $panel; color: $foreground; text-style: bold; }
        & > .report-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .report-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .report-table--placeholder { color: $text-disabled; }
        & > .report-table--message { color: $text-muted; text-style: italic; }
        & > .report-table--new { color: $accent; text-style: bold; }
        & > .report-table--marked { color: $text-warning; text-style: bold; }
        & > .report-table--late { color: $text-error; text-style: bold; }
        & > .report-table--private { color: $warning; }
        & > .report-table--status-menunggu { color: $text-error; }
        & > .report-table--status-koordinasi { color: $text-primary; }
        & > .report-table--status-disposisi { color: $text-secondary; text-style: italic; }
        & > .report-table--status-proses { color: $text-warning; }
        & > .report-table--status-menunggu-validasi { color: $text-accent; text-style: underline; }
        & > .report-table--status-tl-ditolak { color: $text-error; background: $error-muted; text-style: bold; }
        & > .report-table--status-selesai { color: $text-success; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "report-table--header",
        "report-table--cursor",
        "report-table--placeholder",
        "report-table--message",
        "report-table--new",
        "report-table--marked",
        "report-table--late",
        "report-table--private",
        "report-table--status-menunggu",
        "report-table--status-koordinasi",
        "report-table--status-disposisi",
        "report-table--status-proses",
        "report-table--status-menunggu-validasi",
        "report-table--status-tl-ditolak",
        "report-table--status-selesai",
    }
    """
    | Class | Description |
    | :- | :- |
    | `report-table--header` | The column titles. |
    | `report-table--cursor` | The row under the cursor. |
    | `report-table--placeholder` | A row whose report is not loaded yet. |
    | `report-table--message` | "Loading" / "no reports" under the header. |
    | `report-table--new` | The marker of a report that arrived while the operator watched. |
    | `report-table--marked` | The marker of a report marked for a bulk action. |
    | `report-table--late` | Time left, from day 6 and once overdue. |
    | `report-table--private` | The privacy marker. |
    | `report-table--status-*` | One per status, named as in `report-table--status-tl-ditolak`. |
    """

    cursor: reactive[int] = reactive(0, init=False, repaint=False)  # watch_cursor redraws only the rows it changed
    """Index of the highlighted row (0 when the list is empty)."""

    class _RowMessage(Message):
        def __init__(self, report_table: ReportTable, index: int, summary: ReportSummary | None) -> None:
            super().__init__()
            self.report_table = report_table
            self.index = index
            self.summary = summary  # None while the row is not loaded

        @property
        def control(self) -> ReportTable:
            return self.report_table

    class Highlighted(_RowMessage):
        """The cursor moved to a row, or the row under it was loaded or became another report."""

    class Selected(_RowMessage):
        """Enter on a row."""

    class RowsNeeded(Message):
        """Rows [start, end) are on screen or near it and not loaded."""

        def __init__(self, report_table: ReportTable, start: int, end: int) -> None:
            super().__init__()
            self.report_table = report_table
            self.start = start
            self.end = end

        @property
        def control(self) -> ReportTable:
            return self.report_table

    def __init__(
        self,
        source: RowSource | None = None,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._source = source
        self._total = 0 if source is None else source.total
        self._now = datetime.now(UTC)
        self._new_numbers: frozenset[str] = frozenset()
        self._marked_numbers: frozenset[str] = frozenset()
        self._lock_glyph = "🔒"
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._columns_for: tuple[int, tuple[Column, ...]] | None = None
        self._generation = 0  # bumped when rows change, so RowsNeeded may be asked again
        self._asked: tuple[int, int, int] | None = None
        self._check_scheduled = False
        self._highlighted_number: str | None = None
        self._unavailable: str | None = None

    # --- what the screen sets -----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The clock that ages and times left are measured against."""
        return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        self._now = value
        self._invalidate()

    @property
    def new_numbers(self) -> frozenset[str]:
        """Reports that arrived while the operator watched: marked in the first column."""
        return self._new_numbers

    @new_numbers.setter
    def new_numbers(self, value: frozenset[str]) -> None:
        self._new_numbers = frozenset(value)
        self.refresh()  # membership is part of each line's cache key

    @property
    def marked_numbers(self) -> frozenset[str]:
        """Reports marked for a bulk action: marked in the first column."""
        return self._marked_numbers

    @marked_numbers.setter
    def marked_numbers(self, value: frozenset[str]) -> None:
        self._marked_numbers = frozenset(value)
        self.refresh()  # membership is part of each line's cache key

    @property
    def lock_glyph(self) -> str:
        """The privacy marker: a lock, or "P" where the terminal has no such glyph."""
        return self._lock_glyph

    @lock_glyph.setter
    def lock_glyph(self, value: str) -> None:
        self._lock_glyph = safe_text.line(value, max_chars=2)
        self._columns_for = None
        self._invalidate()

    @property
    def source(self) -> RowSource | None:
        return self._source

    @property
    def total(self) -> int:
        """Rows in the list as last read from the source (0 until it knows)."""
        return self._total or 0

    @property
    def highlighted_summary(self) -> ReportSummary | None:
        return self._row(self.cursor)

    @property
    def unavailable(self) -> str | None:
        """Why the list could not be loaded (plain text), shown instead of "Loading"; None."""
        return self._unavailable

    @unavailable.setter
    def unavailable(self, text: str | None) -> None:
        self._unavailable = None if text is None else safe_text.line(text)
        self.refresh()

    def set_source(self, source: RowSource | None, *, cursor: int = 0, scroll_y: int = 0) -> None:
        """Show another result set: a new filter or sort (from the top), or the same query
        loaded again (`cursor` on the report that was under it, the view scrolled as before
        as far as the cursor stays in it). Highlighted is posted only when the row under the
        cursor is another report than before."""
        self._source = source
        self.set_reactive(ReportTable.cursor, max(0, cursor))
        self.refresh_rows()
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()

    def refresh_rows(self) -> None:
        """Rows arrived or changed in the source: redraw from it, and tell the screen if the row
        under the cursor is now another report (or has just loaded)."""
        self._total = 0 if self._source is None else self._source.total
        self._generation += 1
        self._strips.clear()
        self._update_virtual_size()
        clamped = self.validate_cursor(self.cursor)
        if clamped != self.cursor:
            self.cursor = clamped
        else:
            summary = self._row(self.cursor)
            if summary is not None and summary.number != self._highlighted_number:
                self._post_highlighted()
        self.refresh()

    # --- rendering ----------------------------------------------------------------------------

    def _row(self, index: int) -> ReportSummary | None:
        if self._source is None or not 0 <= index < self.total:
            return None
        return self._source.row(index)

    def _update_virtual_size(self) -> None:
        # One line for the header, and one for the loading/empty message when there are no rows.
        self.virtual_size = Size(self.scrollable_content_region.width, 1 + max(1, self.total))

    def _columns(self, width: int) -> tuple[Column, ...]:
        if self._columns_for is None or self._columns_for[0] != width:
            self._columns_for = (width, layout_columns(width, cell_len(self._lock_glyph)))
        return self._columns_for[1]

    def _style(self, *names: str) -> Style:
        return self.get_visual_style(*(f"report-table--{name}" for name in names)).rich_style

    def _assemble(self, cells: list[tuple[str, Style]], columns: tuple[Column, ...], width: int, base: Style) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" " * GAP, base)
        for position, (column, (text, style)) in enumerate(zip(columns, cells, strict=True)):
            if position > 1:
                segments.append(gap)
            segments.append(Segment(fit(text, column.width, align_right=column.align_right), style))
        return Strip(segments).adjust_cell_length(width, base)

    def _render_header(self, width: int) -> Strip:
        key = ("header", width, self._lock_glyph)
        if (strip := self._strips.get(key)) is None:
            style = self._style("header")
            columns = self._columns(width)
            cells = [(title, style) for title in header_cells(columns)]
            strip = self._strips[key] = self._assemble(cells, columns, width, style)
        return strip

    def _render_message(self, width: int) -> Strip:
        if self._unavailable is not None:
            text = self._unavailable
        else:
            text = TEXTS("loading") if self._total is None else TEXTS("empty")
        return Strip([Segment(fit(" " + text, width), self._style("message"))], width)

    def _render_row(self, index: int, width: int) -> Strip:
        summary = self._row(index)
        is_cursor = index == self.cursor
        new = summary is not None and summary.number in self._new_numbers
        marked = summary is not None and summary.number in self._marked_numbers
        identity = None if summary is None else (summary.number, summary.version, new, marked)
        key = (index, width, is_cursor, self.has_focus, identity)
        if (strip := self._strips.get(key)) is not None:
            return strip
        base = self.rich_style
        if is_cursor:
            base += self._style("cursor")
        columns = self._columns(width)
        if summary is None:
            placeholder = self._style("placeholder", "cursor") if is_cursor else self._style("placeholder")
            cells = [(TEXTS("row_loading") if c.key == "number" else "", placeholder) for c in columns]
        else:
            values = row_cells(summary, self._now, new=new, lock_glyph=self._lock_glyph, marked=marked)
            # The cursor's colours win over a cell's own, so the cursor row stays readable.
            cells = [
                (text, self._style(*names, "cursor") if names and is_cursor else self._style(*names) if names else base)
                for text, names in (values[c.key] for c in columns)
            ]
        strip = self._strips[key] = self._assemble(cells, columns, width, base)
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._render_header(width)
        if not self.total:
            return self._render_message(width) if y == 1 else Strip.blank(width, self.rich_style)
        index = int(self.scroll_y) + y - 1
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        return self._render_row(index, width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Rendering runs in the screen's context: a message made here would name the screen as
        # its sender and stop bubbling there. Ask from the table's own context, once per frame.
        if not self._check_scheduled:
            self._check_scheduled = True
            self.call_later(self._ask_for_missing_rows)
        return super().render_lines(crop)

    def _ask_for_missing_rows(self) -> None:
        """Post RowsNeeded for unloaded rows on screen or within a screen of it; once per
        window and generation of rows, so a slow page is not asked for on every frame."""
        self._check_scheduled = False
        if self._source is None:
            return
        rows = self._visible_rows()
        top = int(self.scroll_y)
        if self._total is None:
            start, end = 0, 3 * rows
        else:
            lo, hi = max(0, top - rows), min(self.total, top + 2 * rows)
            missing = [i for i in range(lo, hi) if self._source.row(i) is None]
            if not missing:
                return
            start, end = missing[0], missing[-1] + 1
        asked = (start, end, self._generation)
        if asked != self._asked:
            self._asked = asked
            self.post_message(self.RowsNeeded(self, start, end))

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    # --- cursor -------------------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, self.total - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        self._scroll_to_cursor()
        if int(self.scroll_y) == top:
            # Only the two rows whose cursor state changed are drawn again (line 0 is the header).
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        else:
            self.refresh()
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        if not self.total:
            return
        summary = self._row(self.cursor)
        self._highlighted_number = summary.number if summary is not None else None
        self.post_message(self.Highlighted(self, self.cursor, summary))

    def _scroll_to_cursor(self) -> None:
        rows = self._visible_rows()
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def _invalidate(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_mount(self) -> None:
        self.refresh_rows()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1 and self.total:
            self.cursor = int(self.scroll_y) + event.y - 1

    # --- actions ------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_top(self) -> None:
        self.cursor = 0

    def action_bottom(self) -> None:
        self.cursor = self.total - 1

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        # Scroll by a page first so the cursor keeps its place on screen.
        rows = self._visible_rows()
        self.scroll_to(y=int(self.scroll_y) + direction * rows, animate=False, immediate=True)
        self.cursor += direction * rows

    def action_select(self) -> None:
        if self.total:
            self.post_message(self.Selected(self, self.cursor, self._row(self.cursor)))
