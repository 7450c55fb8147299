"""ReportTable: keys, messages, the virtual window, alignment and hostile text, on fixed reports."""

from __future__ import annotations

import itertools
import time

import msgspec
import pytest
from rich.cells import cell_len

from tests.widgets import fixtures
from tests.widgets.hosts import TableHost
from tests.widgets.screen import screen_lines
from tests.widgets.sources import ListSource, SyntheticSource
from widgets.report_format import format_age, format_time_left
from widgets.report_row import fit, layout_columns
from widgets.report_table import ReportTable

SIZE = (100, 30)


def highlighted(app: TableHost) -> list[tuple[int, str | None]]:
    return [(m.index, m.summary.number if m.summary else None) for m in app.of(ReportTable.Highlighted)]


def row_text(table: ReportTable, index: int) -> str:
    """The rendered line of row `index` (which must be on screen)."""
    return table.render_line(index - int(table.scroll_y) + 1).text


async def test_cursor_keys_move_and_post_highlighted() -> None:
    rows = fixtures.many_summaries(100)
    app = TableHost(ListSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        assert highlighted(app) == [(0, rows[0].number)]  # the first row, once shown
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == 99
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("end")
        assert table.cursor == 99
        await pilot.press("home")
        assert table.cursor == 0
        await pilot.press("k")  # clamped at the top: no move, no message
        assert table.cursor == 0
        await pilot.pause()
        expected = [0, 1, 2, 3, 2, 1, 99, 0, 99, 0]
        assert [index for index, _ in highlighted(app)] == expected
        assert [number for _, number in highlighted(app)] == [rows[i].number for i in expected]


async def test_page_keys_move_by_a_screen_and_keep_the_cursor_visible() -> None:
    rows = fixtures.many_summaries(100)
    app = TableHost(ListSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        page = table.scrollable_content_region.height - 1  # rows under the header
        await pilot.press("pagedown")
        assert table.cursor == page
        await pilot.press("pagedown")
        assert table.cursor == 2 * page
        assert table.scroll_y <= table.cursor < table.scroll_y + page
        assert rows[table.cursor].number in row_text(table, table.cursor)
        await pilot.press("pageup")
        assert table.cursor == page
        await pilot.press("pageup", "pageup")
        assert table.cursor == 0 and table.scroll_y == 0
        assert table.render_line(0).text.lstrip().startswith("No. Laporan")  # the header stays on top


async def test_enter_posts_selected() -> None:
    rows = fixtures.many_summaries(10)
    app = TableHost(ListSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        (selected,) = app.of(ReportTable.Selected)
        assert (selected.index, selected.summary.number, selected.control) == (1, rows[1].number, app.table)


async def test_bindings_have_ids_for_remapping() -> None:
    ids = {binding.id: binding.key for binding in ReportTable.BINDINGS}
    assert ids == {
        "report_table.cursor_down": "down,j",
        "report_table.cursor_up": "up,k",
        "report_table.top": "g,home",
        "report_table.bottom": "G,end",
        "report_table.page_down": "pagedown",
        "report_table.page_up": "pageup",
        "report_table.select": "enter",
    }


async def test_missing_rows_are_drawn_as_placeholders_and_asked_for() -> None:
    rows = fixtures.many_summaries(100)
    source = ListSource(rows, total=5000, loaded=range(0, 20))
    app = TableHost(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        needed = app.of(ReportTable.RowsNeeded)
        # On screen: rows 0..28; a screen below is asked for too.
        assert [(m.start, m.end) for m in needed] == [(20, 2 * 29)]
        assert row_text(table, 25).strip() == "…"
        # Redrawing the same window does not ask again...
        table.refresh()
        await pilot.pause()
        assert len(app.of(ReportTable.RowsNeeded)) == 1
        # ...new rows arriving do, for what is still missing.
        source.loaded = range(0, 40)
        table.refresh_rows()
        await pilot.pause()
        assert [(m.start, m.end) for m in app.of(ReportTable.RowsNeeded)][-1] == (40, 58)
        assert rows[25].number in row_text(table, 25)
        # Jumping to the end asks for the rows there, with a screen of margin above.
        await pilot.press("G")
        await pilot.pause()
        last = app.of(ReportTable.RowsNeeded)[-1]
        assert (last.start, last.end) == (5000 - 2 * 29, 5000)
        assert app.of(ReportTable.Highlighted)[-1].summary is None  # not loaded yet


async def test_loaded_row_under_the_cursor_is_announced() -> None:
    rows = fixtures.many_summaries(30)
    source = ListSource(rows, loaded=range(0))
    app = TableHost(source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert highlighted(app) == []
        source.loaded = range(30)
        app.table.refresh_rows()
        await pilot.pause()
        assert highlighted(app) == [(0, rows[0].number)]


async def test_total_unknown_then_empty() -> None:
    source = ListSource([], total=None)
    source.total = None
    app = TableHost(source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Memuat laporan" in screen_lines(app)[1]
        assert app.of(ReportTable.RowsNeeded)[0].start == 0
        source.total = 0
        app.table.refresh_rows()
        await pilot.pause()
        assert "Tidak ada laporan." in screen_lines(app)[1]
        await pilot.press("j", "G", "enter")
        assert app.table.cursor == 0 and highlighted(app) == [] and not app.of(ReportTable.Selected)


async def test_a_million_rows_stay_instant() -> None:
    source = SyntheticSource(fixtures.summary(0), total=1_000_000)
    app = TableHost(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        reads_at_start = source.reads
        started = time.perf_counter()
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor == 999_999
        assert "JK2612279999" in row_text(table, 999_999)
        for _ in range(20):
            await pilot.press("k")
        await pilot.press("pageup", "g", "j")
        await pilot.pause()
        elapsed = time.perf_counter() - started
        assert table.cursor == 1
        # Work per key is bounded by the screen, never by the total.
        assert source.reads - reads_at_start < 24 * 200
        assert elapsed < 5.0, elapsed
        assert table.virtual_size.height == 1_000_001


def test_fit_cuts_and_pads_by_cells() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, align_right=True) == "  abc"
    assert fit("abcdef", 4) == "abc…"
    for text in ("道路の穴が危ない", "🌊🌊🌊🌊", "👨\u200d👩\u200d👧 x", "e\u0301e\u0301e\u0301e\u0301"):
        for width in range(1, 9):
            assert cell_len(fit(text, width)) == width


@pytest.mark.parametrize("width", [58, 60, 79, 80, 100, 160])
def test_columns_fill_the_width_and_drop_place_columns_first(width: int) -> None:
    columns = layout_columns(width, lock_width=2)
    keys = [c.key for c in columns]
    used = sum(c.width for c in columns) + (len(columns) - 2)
    assert used <= width
    assert {"number", "status", "age", "left", "assignee", "lock"} <= set(keys)
    if width >= 79:
        assert {"category", "kelurahan"} <= set(keys)
    if "category" not in keys:
        assert "kelurahan" not in keys  # kelurahan goes first


def cells_of(line: str) -> list[str]:
    """A line as one entry per terminal cell (a wide character fills two, the second "")."""
    cells: list[str] = []
    for char in line:
        size = cell_len(char)
        if size == 0 and cells:
            cells[-1] += char  # a combining mark or joiner rides on the cell before it
            continue
        cells.append(char)
        cells.extend([""] * (size - 1))
    return cells


def column_slices(width: int, lock_width: int) -> dict[str, slice]:
    slices, position = {}, 0
    for n, column in enumerate(layout_columns(width, lock_width)):
        position += 1 if n > 1 else 0
        slices[column.key] = slice(position, position + column.width)
        position += column.width
    return slices


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_columns_stay_aligned_at_80_with_hostile_text(lang: str, ui_language) -> None:
    ui_language(lang)
    rows = fixtures.summaries() + fixtures.hostile_summaries()
    app = TableHost(ListSource(rows))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.table
        width = table.scrollable_content_region.width
        slices = column_slices(width, cell_len(table.lock_glyph))
        assert {"category", "kelurahan"} <= set(slices)
        lines = [table.render_line(y).text for y in range(len(rows) + 1)]
        assert all(cell_len(line) == width for line in lines)
        for line, summary in zip(lines[1:], rows, strict=True):
            cells = cells_of(line)
            assert len(cells) == width

            def text(key: str, cells: list[str] = cells) -> str:
                return "".join(cells[slices[key]])

            assert text("number") == fit(summary.number, 13)
            assert text("status") == fit(summary.status.value, 17)
            assert text("age").strip() == format_age(summary.created_at, fixtures.NOW)
            assert text("lock") == (table.lock_glyph if summary.private else "  ")
        screen = "\n".join(screen_lines(app))
        for forbidden in ("\x1b", "\x9b", "\x07", "\x00", "\u202e", "\u202c"):
            assert forbidden not in screen
        assert "]0;PWNED" in screen  # what is left of the escape is plain text


async def test_markup_in_rows_is_literal_and_inert() -> None:
    rows = fixtures.hostile_summaries()
    app = TableHost(ListSource(rows))
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        markup_row = next(i for i, s in enumerate(rows) if s.title.startswith("[@click"))
        line = app.table.render_line(markup_row + 1).text
        assert "[@click=app.quit]klik[/] [/bold]" in line
        # Click where the link text is drawn: a live link would run app.quit.
        x = cell_len(line[: line.index("klik")])
        await pilot.click(app.table, offset=(x, markup_row + 1))
        await pilot.pause()
        assert app.actions_run == []
        assert app.is_running
        assert app.table.cursor == markup_row  # the click was an ordinary row click


async def test_lock_glyph_and_new_marker() -> None:
    private = fixtures.summary(0)
    public = fixtures.summary(2)
    assert private.private and not public.private
    app = TableHost(ListSource([private, public]), lock_glyph="P")
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.new_numbers = frozenset({public.number})
        await pilot.pause()
        first, second = row_text(table, 0), row_text(table, 1)
        assert first.rstrip().endswith("P") and not second.rstrip().endswith("P")
        assert second.startswith("•") and not first.startswith("•")
        table.lock_glyph = "🔒"
        await pilot.pause()
        assert row_text(table, 0).rstrip().endswith("🔒")


async def test_time_left_turns_red_from_day_six() -> None:
    rows = fixtures.summaries()
    app = TableHost(ListSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.table
        late = table.get_visual_style("report-table--late").rich_style
        colours = {}
        for index, summary in enumerate(rows):
            strip = table.render_line(index - int(table.scroll_y) + 1)
            left_at = column_slices(table.scrollable_content_region.width, 2)["left"].start
            offsets = itertools.accumulate((cell_len(seg.text) for seg in strip), initial=0)
            (left,) = [seg for seg, at in zip(strip, offsets, strict=False) if at == left_at]
            assert left.text.strip() == (
                format_time_left(summary.due_at, fixtures.NOW) if summary.status.is_open else "—"
            )
            colours[summary.number] = left.style.color == late.color and bool(left.style.bold)
        # Fresh (0), 1 and 2 days old: not red; 6 days old, overdue: red; Selesai: never.
        assert colours == {
            "JK2611280003": False,
            "JK2611270012": False,
            "JK2611260007": False,
            "JK2611220004": True,
            "JK2611190002": True,
            "JK2611180001": True,
            "JK2611100009": False,
        }


async def test_huge_and_combining_text_stays_bounded_and_aligned() -> None:
    (base,) = fixtures.hostile_summaries()[:1]
    assert base.assignee is not None
    huge = msgspec.structs.replace(
        base,
        category_name="jalan rusak " * 90_000 + "\n" * 10_000,  # ~1 MB, 10k lines
        kelurahan="Z" + "\u0301\u0302\u0303\u0304" * 5_000,  # a combining flood
        assignee=msgspec.structs.replace(base.assignee, display_name="\u200b\u2066\u202e"),  # only invisibles
    )
    app = TableHost(ListSource([huge, base]))
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.perf_counter()
        await pilot.pause()
        table = app.table
        line = row_text(table, 0)
        assert time.perf_counter() - started < 2.0
        width = table.scrollable_content_region.width
        assert cell_len(line) == width and len(cells_of(line)) == width
        slices = column_slices(width, cell_len(table.lock_glyph))
        cells = cells_of(line)
        assert "".join(cells[slices["category"]]).endswith("…")
        assert "".join(cells[slices["status"]]) == fit(huge.status.value, 17)
        assert "".join(cells[slices["assignee"]]).strip() == "—"  # nothing printable left: a placeholder
        assert max(len(cell) for cell in cells) <= 3  # at most two marks ride on a letter
