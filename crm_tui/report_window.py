"""The list's window onto the server's result set: rows by index, fetched a page at a time.

The server paginates by keyset, so a page can only be reached from a cursor the previous page
gave. The window walks forward from the top (the operator's sort) and backward from the bottom
(the reversed sort, for `G`), remembers every cursor it has seen (a few dozen bytes each) and
keeps only a bounded number of pages of rows. Memory depends on the pages kept, not on how
many reports there are.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

PAGE_SIZE = 100
MAX_PAGES = 40  # rows kept: 4,000 summaries at most, whatever the total


class Page(Protocol):
    items: list
    total: int
    next_cursor: str | None


@dataclass(frozen=True)
class PageKey:
    """Page `n` counted from the top (`from_end` False) or from the bottom."""

    n: int
    from_end: bool = False


Fetch = Callable[[str | None, bool, int], Awaitable[Page]]  # (cursor, reverse, limit) -> page


class ReportWindow:
    def __init__(self, fetch: Fetch, *, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        self._fetch = fetch
        self.page_size = page_size
        self.max_pages = max_pages
        self.total: int | None = None
        self.stale = False  # the server's count has moved since the first page: offer a refresh
        self.at_least = False  # `total` is a lower bound (a search matching very many reports)
        self._pages: OrderedDict[PageKey, list] = OrderedDict()
        # Cursor that fetches page n; page 0 of either direction starts without one.
        self._cursors: dict[PageKey, str | None] = {PageKey(0): None, PageKey(0, True): None}
        self._index_of: dict[str, int] = {}

    # --- reading ------------------------------------------------------------------------------

    def row(self, index: int):
        """The summary at `index`, or None while its page is not loaded."""
        for key in self._keys_for(index):
            page = self._pages.get(key)
            if page is not None:
                offset = self._offset(key, index)
                if 0 <= offset < len(page):
                    self._pages.move_to_end(key)
                    return page[offset]
        return None

    def index_of(self, number: str) -> int | None:
        """Where a loaded report sits in the list, if it is loaded."""
        index = self._index_of.get(number)
        if index is not None and (row := self.row(index)) is not None and row.number == number:
            return index
        return None

    def loaded_rows(self) -> Iterator[tuple[int, object]]:
        for key, page in self._pages.items():
            for offset, row in enumerate(page):
                yield self._index(key, offset), row

    # --- what to fetch ------------------------------------------------------------------------

    def missing(self, start: int, end: int) -> PageKey | None:
        """The next page to fetch so that rows [start, end) get closer to loaded, or None."""
        if self.total is None:
            return PageKey(0)
        end = min(end, self.total)
        for index in range(max(0, start), end):
            if self.row(index) is not None:
                continue
            return self._reachable(index)
        return None

    def _reachable(self, index: int) -> PageKey:
        """The page holding `index` if its cursor is known, else the known page nearest to it
        on the side it is reached from (each fetch teaches the next cursor)."""
        forward = PageKey(index // self.page_size)
        backward = PageKey((self.total - 1 - index) // self.page_size, True)
        if forward in self._cursors:
            return forward
        if backward in self._cursors:
            return backward
        far_fwd = max(k.n for k in self._cursors if not k.from_end)
        far_back = max(k.n for k in self._cursors if k.from_end)
        # Walk from whichever end has the shorter way to go.
        if forward.n - far_fwd <= backward.n - far_back:
            return PageKey(far_fwd)
        return PageKey(far_back, True)

    # --- loading ------------------------------------------------------------------------------

    async def load(self, key: PageKey) -> None:
        page = await self._fetch(self._cursors[key], key.from_end, self.page_size)
        self.store(key, page)

    def store(self, key: PageKey, page: Page) -> None:
        if self.total is None:
            self.total = page.total
            self.at_least = getattr(page, "total_is_lower_bound", False)
        elif page.total != self.total:
            # The result set moved (reports added or closed). Cursors are key-based, so walking
            # stays consistent; the indices are a snapshot until the operator refreshes.
            self.stale = True
        self._pages[key] = list(page.items)
        self._pages.move_to_end(key)
        if page.next_cursor is not None:
            self._cursors[PageKey(key.n + 1, key.from_end)] = page.next_cursor
        for offset, row in enumerate(page.items):
            self._index_of[row.number] = self._index(key, offset)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        if len(self._index_of) > self.max_pages * self.page_size * 2:
            self._index_of = {row.number: i for i, row in self.loaded_rows()}

    def replace(self, summary) -> int | None:
        """Put a fresher copy of a loaded report in place; returns its index."""
        index = self.index_of(summary.number)
        if index is None:
            return None
        for key in self._keys_for(index):
            page = self._pages.get(key)
            offset = self._offset(key, index)
            if page is not None and 0 <= offset < len(page) and page[offset].number == summary.number:
                page[offset] = summary
        return index

    def reset(self) -> None:
        self.total = None
        self.stale = False
        self.at_least = False
        self._pages.clear()
        self._cursors = {PageKey(0): None, PageKey(0, True): None}
        self._index_of.clear()

    # --- index arithmetic ---------------------------------------------------------------------

    def _keys_for(self, index: int) -> tuple[PageKey, ...]:
        keys = [PageKey(index // self.page_size)]
        if self.total is not None:
            keys.append(PageKey((self.total - 1 - index) // self.page_size, True))
        return tuple(keys)

    def _offset(self, key: PageKey, index: int) -> int:
        if not key.from_end:
            return index - key.n * self.page_size
        return (self.total - 1 - index) - key.n * self.page_size

    def _index(self, key: PageKey, offset: int) -> int:
        if not key.from_end:
            return key.n * self.page_size + offset
        return self.total - 1 - (key.n * self.page_size + offset)
