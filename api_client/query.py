"""What the report list is filtered and sorted by, as one frozen value."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, get_args

Sort = Literal["created", "-created", "updated", "-updated", "due", "-due", "status", "-status"]
SORTS: tuple[str, ...] = get_args(Sort)
DEFAULT_SORT: Sort = "-created"
ASSIGNEE_ME = "me"
ASSIGNEE_UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class ReportQuery:
    """Filters of `GET /reports`. Values within one tuple are alternatives (status A or B); the
    fields together narrow the list (status and category and ...). None or () means no filter.

    `assignee`: "me", "unassigned" or an officer's username. `q`: text in the number, title,
    description or address. `sort`: a field, "-" first for descending (`due` lists open reports
    first). `handed_on`: instead of the operator's queue, the reports their agency coordinated or
    disposed away (read-only to them).
    """

    status: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    agency: str | None = None
    assignee: str | None = None
    private: bool | None = None
    overdue: bool | None = None
    q: str | None = None
    sort: Sort = DEFAULT_SORT
    handed_on: bool = False

    def __post_init__(self) -> None:
        # Accept any iterable of names (a list, a set of statuses) but keep the value hashable;
        # a lone string is one name, not its characters.
        for name in ("status", "category"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(str(v) for v in _iterable(value)))
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")

    def replace(self, **changes: Any) -> ReportQuery:
        return dataclasses.replace(self, **changes)

    def params(self) -> list[tuple[str, str]]:
        """Query parameters for httpx, in a stable order (repeated keys for the tuples)."""
        out: list[tuple[str, str]] = [("status", s) for s in self.status]
        out += [("category", c) for c in self.category]
        if self.agency:
            out.append(("agency", self.agency))
        if self.assignee:
            out.append(("assignee", self.assignee))
        if self.private is not None:
            out.append(("private", _bool(self.private)))
        if self.overdue is not None:
            out.append(("overdue", _bool(self.overdue)))
        if self.q is not None and self.q.strip():
            out.append(("q", self.q.strip()))
        if self.sort != DEFAULT_SORT:
            out.append(("sort", self.sort))
        if self.handed_on:
            out.append(("handed_on", "true"))
        return out


def _iterable(value: Iterable[object] | None) -> Iterable[object]:
    return () if value is None else value


def _bool(value: bool) -> str:
    return "true" if value else "false"


# Menunggu Validasi in the operator's scope, oldest first: what a validator works through.
VALIDATION_QUEUE = ReportQuery(status=("Menunggu Validasi",), sort="created")
