"""`DashboardScreen`: the operator's scope at a glance (`GET /stats`).

Per officer and per sub-agency: open, red, overdue, Menunggu past its 6 hours, the median time
to close and the share closed within 7 days over the last 30 days; above them, arrivals against
closures per day. Enter on a row returns the filter that lists it (the officer's reports, the
sub-agency's); escape returns nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from api_client.errors import CrmApiError
from api_client.models import Stats
from api_client.query import ASSIGNEE_UNASSIGNED
from crm_tui.error_messages import describe
from widgets.arrivals_plot import ArrivalsPlot
from widgets.i18n import Texts
from widgets.key_footer import KeyFooter
from widgets.report_format import format_wib
from widgets.safe_text import line
from widgets.stats_table import StatsRow, StatsTable, median_text, share_text

TEXTS = Texts(
    id={
        "title": "Dasbor · {scope}",
        "loading": "Memuat angka\u2026",
        "failed": "Angka belum dimuat: {reason}",
        "as_of": "per {at}",
        "total": (
            "Terbuka {open} · merah {red} · lewat tenggat {overdue} · Menunggu >6 jam {waiting}"
            " · 30 hari: selesai {closed}, median {median}, ≤7 hari {share}"
        ),
        "officers": "Petugas",
        "agencies": "Instansi",
        "unassigned": "(belum ditugaskan)",
        "back": "Kembali",
        "refresh": "Muat ulang",
        "open_list": "Buka daftar",
    },
    en={
        "title": "Dashboard · {scope}",
        "loading": "Loading the figures\u2026",
        "failed": "The figures are not loaded: {reason}",
        "as_of": "as of {at}",
        "total": (
            "Open {open} · red {red} · overdue {overdue} · Menunggu >6 h {waiting}"
            " · 30 days: closed {closed}, median {median}, ≤7 days {share}"
        ),
        "officers": "Officer",
        "agencies": "Agency",
        "unassigned": "(unassigned)",
        "back": "Back",
        "refresh": "Refresh",
        "open_list": "Open list",
    },
)


@dataclass(frozen=True)
class DashboardPick:
    """The row Enter was pressed on: the list's filter to apply. One of the two is set; the list
    clears the other, so that it shows that row's reports."""

    assignee: str | None = None  # a username, or "unassigned"
    agency: str | None = None  # an agency code: its whole subtree


class DashboardScreen(Screen[DashboardPick | None]):
    """`fetch()`: the figures (through the console's one path to the server); `scope`: the name
    of the operator's agency, for the title."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Before the table's own enter (which selects the row): shown in the footer, and remappable.
        Binding("enter", "open_list", TEXTS("open_list"), id="dashboard.open_list", priority=True),
        Binding("r,ctrl+r", "refresh", TEXTS("refresh"), id="dashboard.refresh"),
        Binding("escape", "back", TEXTS("back"), id="dashboard.back"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | `enter` | dashboard.open_list | The list, filtered to the officer or sub-agency of the row. |
    | `r`, `ctrl+r` | dashboard.refresh | Fetch the figures again. |
    | `escape` | dashboard.back | Back to the list as it was. |
    | `tab` | (focus) | Between the officers' table and the sub-agencies'. |
    """

    DEFAULT_CSS = """
    DashboardScreen #dashboard-title {
        height: 1;
        text-style: bold;
        background: $panel;
        padding: 0 1;
    }
    DashboardScreen #dashboard-status {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    DashboardScreen #dashboard-status.-failed {
        color: $text-error;
    }
    DashboardScreen ArrivalsPlot {
        padding: 0 1;
    }
    DashboardScreen #dashboard-tables {
        height: 1fr;
    }
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Stats]],
        scope: str,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._fetch = fetch
        self.scope = scope
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(TEXTS("title", scope=line(self.scope, max_chars=60))), id="dashboard-title")
        yield Static(Content(TEXTS("loading")), id="dashboard-status")
        yield ArrivalsPlot()
        with Vertical(id="dashboard-tables"):
            yield StatsTable(TEXTS("officers"), id="officers")
            yield StatsTable(TEXTS("agencies"), id="agencies")
        yield KeyFooter(show_command_palette=False)  # ctrl+p still opens it, as on a narrow list

    def on_mount(self) -> None:
        self.query_one("#officers", StatsTable).focus()
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        status = self.query_one("#dashboard-status", Static)
        try:
            stats = await self._fetch()
        except CrmApiError as error:
            status.set_class(True, "-failed")
            status.update(Content(TEXTS("failed", reason=describe(error))))
            return
        self.show(stats)

    def show(self, stats: Stats) -> None:
        self.stats = stats
        total = stats.total
        status = self.query_one("#dashboard-status", Static)
        status.set_class(False, "-failed")
        figures = TEXTS(
            "total",
            open=total.open,
            red=total.red,
            overdue=total.overdue,
            waiting=total.waiting_late,
            closed=total.closed,
            median=median_text(total.median_close_seconds),
            share=share_text(total.closed_on_time_share),
        )
        status.update(Content(f"{figures} · {TEXTS('as_of', at=format_wib(stats.generated_at))}"))
        self.query_one(ArrivalsPlot).show(stats.days)
        self.query_one("#officers", StatsTable).show(
            [
                StatsRow(o.officer.username, o.officer.display_name, o)
                if o.officer
                else StatsRow(ASSIGNEE_UNASSIGNED, TEXTS("unassigned"), o)
                for o in stats.officers
            ]
        )
        self.query_one("#agencies", StatsTable).show(
            [StatsRow(a.agency.code, a.agency.name, a) for a in stats.agencies]
        )

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_list(self) -> None:
        table = self.focused
        if isinstance(table, StatsTable) and table.row_count:
            self._pick(table, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.data_table, StatsTable):
            self._pick(event.data_table, event.row_key.value)

    def _pick(self, table: StatsTable, key: str | None) -> None:
        if key is None:
            return
        self.dismiss(DashboardPick(assignee=key) if table.id == "officers" else DashboardPick(agency=key))
