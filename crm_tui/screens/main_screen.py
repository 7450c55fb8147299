"""The report screen: the virtual list, the detail pane, and every action on a report.

State lives here (the query, the list window, the report shown); widgets only draw it. Every
call to the server runs in a worker: loads are exclusive (the newest wins), writes never are.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

from api_client import CrmApiError, Unauthorized
from api_client.models import (
    Operator,
    Report,
    ReportSummary,
    Session,
)
from api_client.query import ReportQuery
from crm_tui import permissions
from crm_tui.report_window import ReportWindow
from crm_tui.screens.list_commands import ListCommands
from crm_tui.screens.live_updates import LiveUpdates
from crm_tui.screens.report_writes import ReportWrites
from widgets.console_header import ConsoleHeader
from widgets.i18n import Texts
from widgets.report_detail import ReportDetail
from widgets.report_table import ReportTable
from widgets.safe_text import line

DETAIL_SETTLE_SECONDS = 0.12  # load the detail once the cursor rests, not on every key
NARROW_BELOW = 110  # columns: list and detail stacked instead of side by side

_T = Texts(
    id={
        "filter": "Cari", "filters": "Saring", "sort": "Urut", "assign": "Tugaskan", "claim": "Ambil",
        "close": "Tutup", "note": "Catatan", "refresh": "Muat ulang", "command": "Perintah", "help": "Bantuan",
        "quit": "Keluar", "pane": "Panel", "back": "Kembali",
        "empty": "Tidak ada laporan yang cocok.", "loading": "Memuat…",
                "changed_live": "Laporan ini baru saja diubah oleh {who}.",
        "someone": "operator lain",
    },
    en={
        "filter": "Search", "filters": "Filter", "sort": "Sort", "assign": "Assign", "claim": "Claim",
        "close": "Close", "note": "Note", "refresh": "Refresh", "command": "Command", "help": "Help",
        "quit": "Quit", "pane": "Pane", "back": "Back",
        "empty": "No report matches.", "loading": "Loading…",
                "changed_live": "This report was just changed by {who}.",
        "someone": "another operator",
    },
)


# Officers claim reports, they do not route them; dispatchers and supervisors route.
_NEVER_FOR_ROLE = {"officer": {"assign"}, "dispatcher": {"claim"}, "supervisor": {"claim"}}


def reversed_sort(sort: str) -> str:
    return sort[1:] if sort.startswith("-") else "-" + sort


class MainScreen(ListCommands, ReportWrites, LiveUpdates, Screen[None]):
    # The footer shows what fits in 80 columns; `?` lists every key.
    BINDINGS = [
        Binding("slash", "text_filter", _T("filter"), id="main.text_filter"),
        Binding("f", "filters", _T("filters"), id="main.filters"),
        Binding("s", "sort", _T("sort"), id="main.sort", show=False),
        Binding("a", "assign", _T("assign"), id="main.assign"),
        Binding("m", "claim", _T("claim"), id="main.claim"),
        Binding("c", "close_report", _T("close"), id="main.close"),
        Binding("n", "note", _T("note"), id="main.note"),
        Binding("r,ctrl+r", "refresh", _T("refresh"), id="main.refresh", show=False),
        Binding("colon", "command_line", _T("command"), id="main.command", show=False),
        Binding("question_mark", "help", _T("help"), id="main.help"),
        Binding("tab", "switch_pane", _T("pane"), id="main.switch_pane", show=False, priority=True),
        Binding("escape", "back", _T("back"), id="main.back", show=False),
        Binding("q", "app.quit", _T("quit"), id="main.quit"),
    ]
    """
    | Key | Action |
    | :- | :- |
    | `/` | Search the report text. |
    | `f` | Filters: status, category, private, assignee, overdue. |
    | `s` | Sort. |
    | `a` | Assign to an officer. |
    | `m` | Claim (an officer takes the report). |
    | `c` | Close, with a resolution and a note. |
    | `n` | Add a note. |
    | `r`, `ctrl+r` | Refresh. |
    | `:` | Command line (`:JK2503050007`, `:q`). |
    | `?` | Help. |
    | `tab` | Switch between list and detail. |
    | `q` | Quit. |
    """

    DEFAULT_CSS = """
    MainScreen #panes { layout: horizontal; height: 1fr; }
    MainScreen #panes ReportTable { width: 3fr; height: 1fr; }
    MainScreen #panes ReportDetail { width: 2fr; height: 1fr; border-left: vkey $foreground 20%; }
    MainScreen #panes.-narrow { layout: vertical; }
    MainScreen #panes.-narrow ReportTable { width: 1fr; height: 1fr; }
    MainScreen #panes.-narrow ReportDetail { width: 1fr; height: 1fr; border-left: none; border-top: hkey $foreground 20%; }
    """

    header: ConsoleHeader
    table: ReportTable
    detail: ReportDetail

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.operator: Operator = session.operator
        self.query_state = ReportQuery()
        self.window = ReportWindow(self._fetch_page)
        self.current: Report | None = None
        self.highlighted: ReportSummary | None = None
        self.drafts: dict[tuple[str, str], Mapping] = {}
        self._own_versions: dict[str, int] = {}
        self._new_numbers: set[str] = set()
        self._events_from: int | None = None

    # --- composition ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept, not queried: a worker that resumes while the console closes (the event stream,
        # a page arriving) finds the widgets gone from the DOM, and a query would raise.
        self.header = ConsoleHeader()
        self.table = ReportTable(id="list")
        self.detail = ReportDetail(id="detail", photo_renderer=self.app.photo_renderer())
        yield self.header
        with Container(id="panes"):
            yield self.table
            yield self.detail
        yield Footer()

    def on_mount(self) -> None:
        me = self.operator
        self.header.operator = f"{line(me.display_name)} ({me.role})"
        self.header.agency = me.agency.name
        self.table.now = self.app.now()
        self.table.lock_glyph = self.app.lock_glyph
        self.table.set_source(self.window)
        self.table.focus()
        self.detail.show_message(_T("loading"))
        # One paused timer, restarted on every highlight: cheaper per key than a worker that
        # the next key cancels. It fires once the cursor has rested.
        self._detail_timer = self.set_interval(DETAIL_SETTLE_SECONDS, self._cursor_rested, pause=True)
        self.fill(0, self.size.height)
        self.follow_events()

    def on_resize(self, event: Resize) -> None:
        self.query_one("#panes").set_class(event.size.width < NARROW_BELOW, "-narrow")

    # --- the list -------------------------------------------------------------------------------

    async def _fetch_page(self, cursor: str | None, reverse: bool, limit: int):
        query = self.query_state
        if reverse:
            query = query.replace(sort=reversed_sort(query.sort))
        return await self.app.client.list_reports(query, cursor=cursor, limit=limit)

    @on(ReportTable.RowsNeeded)
    def _rows_needed(self, message: ReportTable.RowsNeeded) -> None:
        self.fill(message.start, message.end)

    @work(exclusive=True, group="pages")
    async def fill(self, start: int, end: int) -> None:
        first = self.window.total is None
        try:
            while (key := self.window.missing(start, end)) is not None:
                await self.window.load(key)
                self._list_changed()
        except Unauthorized:
            self.relogin()
            return
        except CrmApiError as exc:
            self.header.connection = "offline"
            self.notify(exc.message, severity="error")
            if first:
                self.detail.show_message(line(exc.message))
            return
        if first:
            if self.window.total == 0:
                # Nothing listed: no report may stay the subject of keys behind the scenes.
                self.current = self.highlighted = None
                self.detail.show_message(_T("empty"))
                self.refresh_bindings()
            else:
                self._highlight(self.table.cursor)

    def _list_changed(self) -> None:
        self.table.now = self.app.now()
        self.table.refresh_rows()
        self.header.total = self.window.total
        self.header.total_is_lower_bound = self.window.at_least
        self.header.stale = self.window.stale

    def reload_list(self) -> None:
        """Start the list again from the top with the current query (keeps the detail)."""
        self.window.reset()
        self._new_numbers.clear()
        self.table.new_numbers = frozenset()
        self.header.new_count = 0
        self.header.total = None
        self.table.cursor = 0
        self._list_changed()
        self.fill(0, self.size.height)

    @on(ReportTable.Highlighted)
    def _highlighted(self, message: ReportTable.Highlighted) -> None:
        self._highlight(message.index, message.summary)

    def _highlight(self, index: int, summary: ReportSummary | None = None) -> None:
        summary = summary or self.window.row(index)
        self.highlighted = summary
        if summary is not None:
            self._detail_timer.reset()
            self._detail_timer.resume()

    def _cursor_rested(self) -> None:
        self._detail_timer.pause()
        if self.highlighted is not None:
            self.load_detail(self.highlighted.number)

    @on(ReportTable.Selected)
    def _selected(self, message: ReportTable.Selected) -> None:
        self.detail.focus()

    # --- the detail -----------------------------------------------------------------------------

    @work(exclusive=True, group="detail")
    async def load_detail(self, number: str, *, notice: str | None = None, live: bool = False) -> None:
        try:
            report = await self.app.client.get_report(number)
        except Unauthorized:
            self.relogin()
            return
        except CrmApiError as exc:
            self.notify(exc.message, severity="error")
            return
        if live:  # changed under the operator: say by whom (the newest history entry)
            actor = report.history[-1].actor if report.history else None
            notice = _T("changed_live", who=line(actor.display_name) if actor else _T("someone"))
        self.show_report(report, notice=notice)

    def show_report(self, report: Report, *, notice: str | None = None) -> None:
        self.current = report
        self.detail.now = self.app.now()
        self.detail.show_report(report)
        self.detail.show_notice(notice)
        if self.window.replace(report) is not None:
            self.table.refresh_rows()
        self.refresh_bindings()

    @on(ReportDetail.PhotoNeeded)
    def _photo_needed(self, message: ReportDetail.PhotoNeeded) -> None:
        if self.current is not None and self.current.number == message.number:
            self.load_photo(self.current)

    @work(exclusive=True, group="photo")
    async def load_photo(self, report: Report) -> None:
        """Only ever for a report the server says has an available photo: the client refuses
        (without a request) any other, and the detail never asks for a private one."""
        try:
            data = await self.app.client.get_photo(report)
        except CrmApiError as exc:
            self.detail.show_photo_error(report.number, line(exc.message))
            return
        self.detail.show_photo(report.number, data)

    # --- keys that apply ------------------------------------------------------------------------

    def _subject(self) -> ReportSummary | None:
        """The report the keys act on: the highlighted row, in full once its detail is loaded."""
        current, highlighted = self.current, self.highlighted
        if current is not None and (highlighted is None or highlighted.number == current.number):
            return current
        return highlighted

    async def _target(self) -> Report | None:
        """The subject in full, fetched now if its detail has not arrived yet (a key pressed
        right after moving acts on the row the operator sees, not on the previous one)."""
        subject = self._subject()
        if subject is None or isinstance(subject, Report):
            return subject
        try:
            report = await self.app.client.get_report(subject.number)
        except Unauthorized:
            self.relogin()
            return None
        except CrmApiError as exc:
            self.notify(exc.message, severity="error")
            return None
        self.show_report(report)
        return report

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        report = self._subject()
        rules = {
            "assign": permissions.can_assign,
            "claim": permissions.can_claim,
            "close_report": permissions.can_close,
            "note": permissions.can_note,
        }
        rule = rules.get(action)
        if rule is None:
            return True
        # Hidden where the role can never do it; greyed where this report does not allow it.
        if action in _NEVER_FOR_ROLE[self.operator.role]:
            return False
        return True if rule(self.operator, report) else None  # None: shown greyed out

    # --- actions --------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.reload_list()
        if self.current is not None:
            self.load_detail(self.current.number)

    def action_switch_pane(self) -> None:
        (self.detail if self.table.has_focus else self.table).focus()

    def action_back(self) -> None:
        self.table.focus()
