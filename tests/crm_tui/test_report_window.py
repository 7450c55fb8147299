"""`ReportWindow` on a fake keyset server: paging from either end, bounded memory, lower-bound
totals, fresher rows replacing older ones, and finding a report again in a new window."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from crm_tui.report_window import PageKey, ReportWindow


@dataclass(frozen=True)
class Row:
    number: str
    version: int = 1


@dataclass(frozen=True)
class Page:
    items: tuple[Row, ...]
    total: int
    next_cursor: str | None
    total_is_lower_bound: bool = False


@dataclass
class Server:
    """Rows in list order; a cursor is the index of the next row (reversed pages walk from the
    end). Counts the fetches."""

    rows: list[Row]
    lower_bound: bool = False
    fetches: list[tuple[str | None, bool]] = field(default_factory=list)

    async def fetch(self, cursor: str | None, reverse: bool, limit: int) -> Page:
        self.fetches.append((cursor, reverse))
        ordered = self.rows[::-1] if reverse else self.rows
        start = int(cursor) if cursor else 0
        items = tuple(ordered[start : start + limit])
        following = start + limit
        return Page(items, len(self.rows), str(following) if following < len(self.rows) else None, self.lower_bound)


def rows(n: int, first: int = 0) -> list[Row]:
    return [Row(f"JK{i:010d}") for i in range(first, first + n)]


async def test_pages_forward_from_the_top_and_backward_from_the_end():
    server = Server(rows(1_000))
    window = ReportWindow(server.fetch, page_size=10)
    await window.fill(0, 5)
    assert window.total == 1_000 and window.row(4) == server.rows[4] and window.row(10) is None
    assert server.fetches == [(None, False)]
    await window.fill(995, 1_000)  # `G`: from the end, one page, not 99 pages forward
    assert server.fetches[-1] == (None, True) and len(server.fetches) == 2
    assert [window.row(i) for i in range(990, 1_000)] == server.rows[990:]
    assert window.index_of(server.rows[997].number) == 997


async def test_a_row_far_from_both_ends_is_reached_by_walking_the_nearer_end():
    server = Server(rows(1_000))
    window = ReportWindow(server.fetch, page_size=10)
    await window.fill(0, 1)
    await window.fill(960, 961)
    assert all(reverse for _, reverse in server.fetches[1:])  # walked up from the end
    assert window.row(960) == server.rows[960]


async def test_memory_is_bounded_by_the_pages_kept():
    server = Server(rows(5_000))
    window = ReportWindow(server.fetch, page_size=10, max_pages=4)
    await window.fill(0, 200)  # more than it keeps: it stops at what it keeps
    assert sum(1 for _ in window.loaded_rows()) <= 40
    await window.fill(190, 200)
    assert sum(1 for _ in window.loaded_rows()) <= 40
    assert window.row(0) is None and window.row(199) == server.rows[199]  # the oldest pages went


async def test_a_lower_bound_total_and_a_moved_count_are_said():
    server = Server(rows(50), lower_bound=True)
    window = ReportWindow(server.fetch, page_size=10)
    await window.fill(0, 1)
    assert window.at_least and not window.stale
    server.rows.insert(0, Row("JK9999999999"))
    await window.fill(10, 11)
    assert window.stale


async def test_a_fresher_row_replaces_a_loaded_one_and_an_older_one_does_not():
    server = Server(rows(30))
    window = ReportWindow(server.fetch, page_size=10)
    await window.fill(0, 10)
    number = server.rows[3].number
    assert window.replace(Row(number, version=3)) == 3 and window.row(3).version == 3
    assert window.replace(Row(number, version=2)) == 3 and window.row(3).version == 3
    assert window.replace(Row("JK0000009999", version=9)) is None  # not loaded: nothing to do


@pytest.mark.parametrize("arrived", [0, 3, 25])
async def test_locate_finds_the_report_where_arrivals_pushed_it(arrived: int):
    server = Server(rows(500))
    old = ReportWindow(server.fetch, page_size=10)
    await old.fill(0, 20)
    anchor = server.rows[15]
    server.rows[:0] = rows(arrived, first=10_000)  # new reports at the top
    fresh = ReportWindow(server.fetch, page_size=10)
    assert await fresh.locate(anchor.number, 15, max_pages=5) == 15 + arrived


async def test_locate_gives_up_when_the_report_left_the_list_or_is_too_far():
    server = Server(rows(500))
    gone = server.rows.pop(40)
    fresh = ReportWindow(server.fetch, page_size=10)
    assert await fresh.locate(gone.number, 40, max_pages=5) is None
    assert len(server.fetches) <= 5
    far = ReportWindow(server.fetch, page_size=10)
    assert await far.locate(server.rows[450].number, 20, max_pages=3) is None


async def test_missing_says_which_page_to_fetch_next():
    server = Server(rows(100))
    window = ReportWindow(server.fetch, page_size=10)
    assert window.missing(0, 5) == PageKey(0)
    await window.load(PageKey(0))
    assert window.missing(0, 5) is None
    assert window.missing(15, 16) == PageKey(1)
