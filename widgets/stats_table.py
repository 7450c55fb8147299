"""`StatsTable`: the dashboard's figures, one row per officer or per agency.

A handful to a few hundred rows (an agency's officers, a scope's sub-agencies): Textual's
`DataTable` draws those at once. Every cell is a `Text`, never a string, which the table would
parse as markup (a name is typed by people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from api_client.models import StatsFigures
from widgets.i18n import Texts
from widgets.report_format import TEXTS as UNITS
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "open": "Buka",
        "red": "Merah",
        "overdue": "Lewat",
        "waiting_late": "Mng>6j",
        "median": "Median",
        "on_time": "≤7h",
        "none": "–",
    },
    en={
        "open": "Open",
        "red": "Red",
        "overdue": "Overdue",
        "waiting_late": "Wait>6h",
        "median": "Median",
        "on_time": "≤7d",
        "none": "–",
    },
    same=frozenset({"median", "none"}),
)
NAME_CHARS = 28
_HOUR = 3600
_DAY = 24 * _HOUR


@dataclass(frozen=True)
class StatsRow:
    key: str  # what the row stands for (a username, "unassigned", an agency code)
    label: str  # what it shows (a display name, an agency's name)
    figures: StatsFigures


def median_text(seconds: int | None) -> str:
    """A time to close in its two largest units, compact: "4h7j", "9j", "40m"."""
    if seconds is None:
        return TEXTS("none")
    days, rest = divmod(seconds, _DAY)
    hours, rest = divmod(rest, _HOUR)
    if days:
        return f"{days}{UNITS('day')}{hours}{UNITS('hour')}" if hours else f"{days}{UNITS('day')}"
    if hours:
        return f"{hours}{UNITS('hour')}"
    return f"{rest // 60}{UNITS('minute')}"


def share_text(share: float | None) -> str:
    return TEXTS("none") if share is None else f"{round(share * 100)}%"


class StatsTable(DataTable[Text]):
    """The figures of `rows` under a first column titled `title`; a selected row's key comes
    back in `RowSelected.row_key.value`."""

    DEFAULT_CSS = """
    StatsTable {
        height: 1fr;
    }
    StatsTable > .stats-table--red {
        color: $text-error;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"stats-table--red"}
    """
    | Class | Description |
    | :- | :- |
    | `stats-table--red` | A count of red reports above zero. |
    """

    def __init__(
        self,
        title: str,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled, cursor_type="row", zebra_stripes=True)
        self.heading = title  # the first column's (not `title`: only the app sets a title)

    def on_mount(self) -> None:
        self.add_column(Text(self.heading), width=NAME_CHARS, key="name")
        for key in ("open", "red", "overdue", "waiting_late", "median", "on_time"):
            self.add_column(Text(TEXTS(key), justify="right"), key=key)

    def show(self, rows: Sequence[StatsRow]) -> None:
        """Replaces the rows, keeping the cursor on the row of the same key where there is one."""
        selected = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value if self.row_count else None
        self.clear()
        red_style = self.get_component_rich_style("stats-table--red", partial=True)
        for row in rows:
            f = row.figures
            red = Text(str(f.red), justify="right", style=red_style if f.red else "")
            self.add_row(
                Text(line(row.label, max_chars=NAME_CHARS), no_wrap=True, overflow="ellipsis"),
                Text(str(f.open), justify="right"),
                red,
                Text(str(f.overdue), justify="right"),
                Text(str(f.waiting_late), justify="right"),
                Text(median_text(f.median_close_seconds), justify="right"),
                Text(share_text(f.closed_on_time_share), justify="right"),
                key=row.key,
            )
        keys = [row.key for row in rows]
        if selected in keys:
            self.move_cursor(row=keys.index(selected))
