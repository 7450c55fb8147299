"""What one line of the report list says, cell by cell, apart from how the table draws it.

Every cell is measured in terminal cells (rich.cells), so wide CJK, emoji and combining marks
never push the next column; report text is sanitised before it is measured.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

from api_client.models import ReportSummary
from widgets import safe_text
from widgets.i18n import Texts
from widgets.report_format import format_age, format_left, status_class

TEXTS = Texts(
    id={
        "number": "No. Laporan",
        "status": "Status",
        "category": "Kategori",
        "kelurahan": "Kelurahan",
        "age": "Umur",
        "left": "Sisa",
        "assignee": "Petugas",
    },
    en={
        "number": "Report no.",
        "status": "Status",
        "category": "Category",
        "kelurahan": "Kelurahan",
        "age": "Age",
        "left": "Left",
        "assignee": "Assignee",
    },
    same=frozenset({"status", "kelurahan"}),
)

ELLIPSIS = "…"
GAP = 1  # blank cells between columns (none between the new-marker and the number)
NEW_MARK = "•"
MARK = "✓"  # a row marked for a bulk action (shown in place of the new-marker)
ORDER = ("new", "number", "status", "category", "kelurahan", "age", "left", "assignee", "lock")


class Column(NamedTuple):
    key: str
    width: int
    align_right: bool = False


class _Flex(NamedTuple):
    key: str
    minimum: int
    maximum: int
    weight: int


# Columns that can shrink, in the order they are dropped when the width runs out.
_FLEX = (_Flex("kelurahan", 8, 24, 2), _Flex("category", 8, 36, 3), _Flex("assignee", 8, 24, 2))
_FIXED = (
    Column("new", 1),
    Column("number", 13),  # "JK" + 10 or 11 digits
    Column("status", 17),  # "Menunggu Validasi"
    Column("age", 4, True),
    Column("left", 5, True),
)

Cell = tuple[str, tuple[str, ...]]  # text, style names ("status-proses", "late", ...)


def fit(text: str, width: int, *, align_right: bool = False) -> str:
    """`text` cut or padded to exactly `width` cells; a cut shows "…"."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size > width:
        return set_cell_size(set_cell_size(text, width - 1).rstrip() + ELLIPSIS, width)
    pad = " " * (width - size)
    return pad + text if align_right else text + pad


def layout_columns(width: int, lock_width: int) -> tuple[Column, ...]:
    """Column widths for a line `width` cells wide: the fixed columns always; category,
    kelurahan and assignee share the rest, and kelurahan, then category, are dropped when even
    their minimum does not fit. Below ~58 cells the line is cut at the right edge."""
    fixed = {c.key: c for c in (*_FIXED, Column("lock", max(1, lock_width)))}
    used = sum(c.width for c in fixed.values()) + GAP * (len(fixed) - 2)
    flex = list(_FLEX)
    while len(flex) > 1 and width - used - GAP * len(flex) < sum(f.minimum for f in flex):
        flex.pop(0)
    free = max(1, width - used - GAP * len(flex))
    widths = {f.key: min(f.minimum, free) for f in flex}
    free -= sum(widths.values())
    while free > 0:  # hand out the rest by weight, up to each column's maximum
        growable = [f for f in flex if widths[f.key] < f.maximum]
        total_weight = sum(f.weight for f in growable)
        given = 0
        for f in growable:
            share = min(f.maximum - widths[f.key], max(1, free * f.weight // total_weight), free - given)
            widths[f.key] += share
            given += share
        if not given:
            break
        free -= given
    return tuple(
        fixed[key] if key in fixed else Column(key, widths[key]) for key in ORDER if key in fixed or key in widths
    )


def header_cells(columns: tuple[Column, ...]) -> list[str]:
    return ["" if c.key in ("new", "lock") else TEXTS(c.key) for c in columns]


def row_cells(
    summary: ReportSummary, now: datetime, *, new: bool, lock_glyph: str, marked: bool = False
) -> dict[str, Cell]:
    """The text of each cell of a row, with the names of the styles it takes."""
    if not summary.status.is_open:
        left: Cell = (safe_text.PLACEHOLDER, ("placeholder",))  # a closed report has no deadline
    else:
        shown, late = format_left(summary, now)
        left = (shown, ("late",) if late else ())
    return {
        "new": (MARK, ("marked",)) if marked else (NEW_MARK, ("new",)) if new else ("", ()),
        "number": (safe_text.line(summary.number), ()),
        "status": (summary.status.value, (status_class(summary.status),)),
        "category": (safe_text.line(summary.category_name), ()),
        "kelurahan": (safe_text.line(summary.kelurahan), ()),
        "age": (format_age(summary.created_at, now), ()),
        "left": left,
        "assignee": (safe_text.line(summary.assignee.display_name if summary.assignee else None), ()),
        "lock": (lock_glyph, ("private",)) if summary.private else ("", ()),
    }
