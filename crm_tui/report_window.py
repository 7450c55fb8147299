"""The list's window onto the server's result set: rows by index, fetched a page at a time.

The server paginates by keyset, so a page can only be reached from a cursor the previous page
gave. The window walks forward from the top (the operator's sort) and backward from the bottom
(the reversed sort, for `G`), remembers every cursor it has seen (a few dozen bytes each) and
keeps only a bounded number of pages of rows. Memory depends on the pages kept, not on how
many reports there are.

Indices are a snapshot of the result set when the window was filled: a report arriving or
leaving shifts the rows after it on the server, not here. The screen loads a new window to see
them (`locate` finds where the report under the cursor went), and swaps it in once it is ready.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

PAGE_SIZE = 100
MAX_PAGES = 40  # rows kept: 4,000 summaries at most, whatever the total


class Row(Protocol):
    """What the window needs of a row: the report it is, and which version."""

    @property
    def number(self) -> str: ...

    @property
    def version(self) -> int: ...


RowT = TypeVar("RowT", bound=Row)
RowT_co = TypeVar("RowT_co", bound=Row, covariant=True)


class Page(Protocol[RowT_co]):
    """One page of the server's answer (`api_client.models.ReportPage` is one)."""

    @property
    def items(self) -> Sequence[RowT_co]: ...

    @property
    def total(self) -> int: ...

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def total_is_lower_bound(self) -> bool: ...


@dataclass(frozen=True)
class PageKey:
    """Page `n` counted from the top (`from_end` False) or from the bottom."""

    n: int
    from_end: bool = False


Fetch = Callable[[str | None, bool, int], Awaitable[Page[RowT]]]  # (cursor, reverse, limit) -> page


class ReportWindow(Generic[RowT]):
    def __init__(self, fetch: Fetch[RowT], *, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        self._fetch = fetch
        self.page_size = page_size
        self.max_pages = max_pages
        self.total: int | None = None
        """Rows in the result set, from the first page; None until it arrived."""
        self.stale = False
        """The server's count has moved since the first page: offer a refresh."""
        self.at_least = False
        """`total` is a lower bound (a search matching very many reports)."""
        self._pages: OrderedDict[PageKey, list[RowT]] = OrderedDict()
        # Cursor that fetches page n; page 0 of either direction starts without one.
        self._cursors: dict[PageKey, str | None] = {PageKey(0): None, PageKey(0, True): None}
        self._index_of: dict[str, int] = {}
        self.loading: PageKey | None = None
        """The page being fetched now, if any."""

    # --- reading ------------------------------------------------------------------------------

    def row(self, index: int) -> RowT | None:
        """The row at `index`, or None while its page is not loaded."""
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

    def loaded_rows(self) -> Iterator[tuple[int, RowT]]:
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
        total = self.total or 0
        forward = PageKey(index // self.page_size)
        backward = PageKey((total - 1 - index) // self.page_size, True)
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
        self.loading = key
        try:
            page = await self._fetch(self._cursors[key], key.from_end, self.page_size)
        finally:
            if self.loading is key:  # not a later load's (this one was cancelled)
                self.loading = None
        self.store(key, page)

    async def fill(self, start: int, end: int, *, loaded: Callable[[], object] | None = None) -> None:
        """Fetch pages until rows [start, end) are loaded; `loaded()` after each page. A range
        larger than the window keeps is cut to what it keeps (else loading its end would evict
        its start, for ever)."""
        end = min(end, start + (self.max_pages - 1) * self.page_size)
        while (key := self.missing(start, end)) is not None:
            await self.load(key)
            if loaded is not None:
                loaded()

    async def locate(self, number: str, near: int, *, max_pages: int) -> int | None:
        """Load pages around index `near` (where the report was in an older window), from the
        end that reaches it sooner, until report `number` is found; at most `max_pages` fetches.
        Returns its index, or None when it is no longer listed or too far away."""
        if self.total is None:
            await self.load(PageKey(0))
        fetched = 1
        near = max(0, min(near, (self.total or 0) - 1))
        rows, total = self.page_size, self.total or 0
        # The report is near its old place: look there first, then a page further each way.
        around = [
            near + sign * step * rows for step in range(max_pages + 1) for sign in ((1,) if step == 0 else (1, -1))
        ]
        while (index := self.index_of(number)) is None and fetched < max_pages:
            key = next((self.missing(i, i + 1) for i in around if 0 <= i < total and self.row(i) is None), None)
            if key is None:
                return None
            await self.load(key)
            fetched += 1
        return index

    def store(self, key: PageKey, page: Page[RowT]) -> None:
        if self.total is None:
            self.total = page.total
            self.at_least = page.total_is_lower_bound
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

    def replace(self, row: RowT) -> int | None:
        """Put a fresher copy of a loaded report in place (an older one is ignored); returns
        its index, or None when the report is not loaded."""
        index = self.index_of(row.number)
        if index is None:
            return None
        for key in self._keys_for(index):
            page = self._pages.get(key)
            offset = self._offset(key, index)
            if page is None or not 0 <= offset < len(page):
                continue
            if page[offset].number == row.number and page[offset].version <= row.version:
                page[offset] = row
        return index

    # --- index arithmetic ---------------------------------------------------------------------

    def _keys_for(self, index: int) -> tuple[PageKey, ...]:
        keys = [PageKey(index // self.page_size)]
        if self.total is not None:
            keys.append(PageKey((self.total - 1 - index) // self.page_size, True))
        return tuple(keys)

    def _offset(self, key: PageKey, index: int) -> int:
        if not key.from_end:
            return index - key.n * self.page_size
        return ((self.total or 0) - 1 - index) - key.n * self.page_size

    def _index(self, key: PageKey, offset: int) -> int:
        if not key.from_end:
            return key.n * self.page_size + offset
        return (self.total or 0) - 1 - (key.n * self.page_size + offset)
