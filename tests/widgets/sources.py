"""Row sources for the table: the protocol only asks for `total` and `row(index)`."""

from __future__ import annotations

from collections.abc import Container, Sequence

import msgspec

from api_client.models import ReportSummary


class ListSource:
    """Rows from a list; indexes outside `loaded` read as not loaded yet."""

    def __init__(
        self, rows: Sequence[ReportSummary], *, total: int | None = None, loaded: Container[int] | None = None
    ) -> None:
        self.rows = list(rows)
        self.total: int | None = len(self.rows) if total is None else total
        self.loaded = range(len(self.rows)) if loaded is None else loaded
        self.reads = 0

    def row(self, index: int) -> ReportSummary | None:
        self.reads += 1
        if index in self.loaded and index < len(self.rows):
            return self.rows[index]
        return None


class SyntheticSource:
    """`total` rows made on demand from one real summary: only numbers differ."""

    def __init__(self, template: ReportSummary, total: int = 1_000_000) -> None:
        self.template = template
        self.total: int | None = total
        self.reads = 0

    def row(self, index: int) -> ReportSummary | None:
        self.reads += 1
        if not 0 <= index < (self.total or 0):
            return None
        return msgspec.structs.replace(self.template, number=f"JK{2611280000 + index:010d}"[:13])
