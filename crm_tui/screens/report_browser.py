"""The report screen's core: the virtual list, the detail pane, and the state behind them.

`ReportBrowser` is what the main screen's parts (`ListCommands`, `ReportWrites`, `LiveUpdates`)
share and stand on: they derive from it, so what they read of each other is declared here.

State lives here, widgets only draw it:

- the list is a `ReportWindow` for the current query. Its rows are anchored by report number:
  a reload (a refresh, a resync, reports arriving) loads a new window, finds where the report
  under the cursor went, and swaps it in with the cursor still on that report.
- `highlighted` is the subject: the report the detail is about and the keys act on (the row
  under the cursor, or the report jumped to). The detail never shows another report: the moment
  the subject changes it shows the subject's row (its banner first) while the full report loads,
  and if it cannot be loaded, that report's number and why.
- `current` is the newest full report loaded; it is the subject's only when the numbers match.

Every call to the server runs in a worker, through `CrmApp.api` (signing in again, the
connection state); loads are exclusive (the newest wins). What failed because the server could
not be reached is loaded again by itself once the connection is back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer

from api_client.errors import CrmApiError, NotFound
from api_client.models import Operator, Report, ReportPage, ReportSummary, Session
from api_client.query import ReportQuery
from crm_tui.error_messages import describe, is_unreachable
from crm_tui.host import ConsoleHost, console_host
from crm_tui.report_window import ReportWindow
from crm_tui.views import BUILT_IN, View, narrowing, sort_label
from widgets.console_header import ConsoleHeader
from widgets.i18n import Texts
from widgets.key_footer import KeyFooter
from widgets.report_detail import ReportDetail
from widgets.report_table import ReportTable
from widgets.safe_text import line

if TYPE_CHECKING:
    from crm_tui.api_calls import ConnectionState

DETAIL_SETTLE_SECONDS = 0.12  # load the detail once the cursor rests, not on every key
NARROW_BELOW = 110  # columns: list and detail stacked instead of side by side
ANCHOR_PAGES = 5  # pages a reload fetches at most to find the report under the cursor again

TEXTS = Texts(
    id={
        "empty": "Tidak ada laporan yang cocok.",
        "loading": "Memuat\u2026",
        "loading_detail": "Memuat rinciannya\u2026",
        "not_loaded": "Rincian {number} belum dimuat: {reason} Dimuat ulang sendiri setelah tersambung lagi.",
        "not_found": "Laporan {number} tidak ditemukan, atau di luar wilayah Anda.",
        "list_not_loaded": "Daftar belum dimuat: {reason}",
        "changed_live": "Laporan ini baru saja diubah oleh {who}.",
        "someone": "operator lain",
    },
    en={
        "empty": "No report matches.",
        "loading": "Loading\u2026",
        "loading_detail": "Loading its details\u2026",
        "not_loaded": "The details of {number} are not loaded: {reason} They load by themselves once connected again.",
        "not_found": "Report {number} was not found, or is outside your area.",
        "list_not_loaded": "The list is not loaded: {reason}",
        "changed_live": "This report was just changed by {who}.",
        "someone": "another operator",
    },
)


def reversed_sort(sort: str) -> str:
    return sort[1:] if sort.startswith("-") else "-" + sort


class ReportBrowser(Screen[None]):
    """The list and the detail of the signed-in operator's reports."""

    DEFAULT_CSS = """
    ReportBrowser #panes { layout: horizontal; height: 1fr; }
    ReportBrowser #panes ReportTable { width: 3fr; height: 1fr; }
    ReportBrowser #panes ReportDetail { width: 2fr; height: 1fr; border-left: vkey $foreground 20%; }
    ReportBrowser #panes.-narrow { layout: vertical; }
    ReportBrowser #panes.-narrow ReportTable { width: 1fr; height: 1fr; }
    ReportBrowser #panes.-narrow ReportDetail {
        width: 1fr; height: 1fr; border-left: none; border-top: hkey $foreground 20%;
    }
    """

    header: ConsoleHeader
    table: ReportTable
    detail: ReportDetail

    def __init__(
        self, session: Session, *, view: View = BUILT_IN["semua"], first_page: Awaitable[ReportPage] | None = None
    ) -> None:
        """`view`: the saved view the list starts on. `first_page`: the first page of that view,
        already asked for (the list's first fetch takes it instead of asking again)."""
        super().__init__()
        self.operator: Operator = session.operator
        self._first_page = first_page
        self.view = view
        """The saved view the list was last switched to (its query may since be narrowed)."""
        self.query_state = view.query
        self.window: ReportWindow[ReportSummary] = self._new_window()
        self.highlighted: ReportSummary | None = None
        """The subject: what the detail is about and the keys act on."""
        self.current: Report | None = None
        """The newest full report loaded (the subject's when the numbers match)."""
        self.drafts: dict[tuple[str, str], Mapping[str, object]] = {}
        self.marks: dict[str, ReportSummary] = {}
        """Reports marked for a bulk action, each in the version the operator saw when marking it
        (the version a bulk action acts on: a change made since is a conflict, not overwritten)."""
        self.mark_anchor: int | None = None  # the row last marked or unmarked: where a range starts
        self.new_numbers: set[str] = set()
        """Reports that arrived while the operator watched and that they have not looked at."""
        self._own_versions: dict[str, int] = {}  # versions this console wrote: not "changed by others"
        # One submit per bulk action for the screen's life (keeps idempotency keys; report_writes).
        self._bulk_submits: dict[str, Callable[[ReportSummary, object], Awaitable[Report | None]]] = {}
        self._list_failed = False  # the list could not be (re)loaded: again once connected
        self._detail_failed: str | None = None  # the subject whose detail could not be loaded

    @property
    def crm(self) -> ConsoleHost:
        """The app, as the screens see it (typed)."""
        return console_host(self)

    # --- composition ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept, not queried: a worker that resumes while the console closes (the event stream,
        # a page arriving) finds the widgets gone from the DOM, and a query would raise.
        self.header = ConsoleHeader()
        self.table = ReportTable(id="list")
        self.detail = ReportDetail(id="detail", photo_renderer=self.crm.photo_renderer())
        yield self.header
        # Laid out for the terminal's width from the first frame (which can show the list), and
        # again on every resize.
        narrow = "-narrow" if self.app.size.width < NARROW_BELOW else None
        with Container(id="panes", classes=narrow):
            yield self.table
            yield self.detail
        # Narrow terminals keep the footer for the console's own keys (the palette is ctrl+p
        # still, and in the help).
        yield KeyFooter(show_command_palette=not narrow)

    def on_mount(self) -> None:
        me = self.operator
        self.header.operator = me.display_name
        self.header.role = me.role
        self.header.agency = me.agency.name
        self.table.now = self.crm.now()
        self.table.lock_glyph = self.crm.lock_glyph
        self.table.set_source(self.window)
        self._name_query()
        self.table.focus()
        self.detail.show_message(TEXTS("loading"))
        # One paused timer, restarted on every highlight: cheaper per key than a worker that
        # the next key cancels. It fires once the cursor has rested.
        self._detail_timer: Timer = self.set_interval(DETAIL_SETTLE_SECONDS, self._cursor_rested, pause=True)
        self.watch(self.app, "connection", self._connection_changed, init=False)
        # Whether the detail runs below its pane (the footer offers tab then) changes with what it
        # holds and how it wraps, whenever that is laid out: a photo, a late notice, a resize.
        self.watch(self.detail, "virtual_size", self.refresh_bindings, init=False)
        self.fill(0, self.size.height)

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW_BELOW
        self.query_one("#panes").set_class(narrow, "-narrow")
        self.query_one(KeyFooter).show_command_palette = not narrow
        self.call_after_refresh(self.refresh_bindings)  # the pane's height: whether the detail runs below it

    # --- the list -------------------------------------------------------------------------------

    def _new_window(self) -> ReportWindow[ReportSummary]:
        # The query is bound now: a page still in flight when the query changes belongs to the
        # window it was asked for.
        return ReportWindow(partial(self._fetch_page, self.query_state))

    async def _fetch_page(self, query: ReportQuery, cursor: str | None, reverse: bool, limit: int) -> ReportPage:
        if reverse:
            query = query.replace(sort=reversed_sort(query.sort))
        client = self.crm.client
        asked, self._first_page = self._first_page, None
        if asked is not None and (query, cursor, limit) != (self.view.query, None, self.window.page_size):
            asked = None  # another page first: the one asked for is not needed

        def request() -> Awaitable[ReportPage]:
            nonlocal asked
            if asked is not None:  # the first try; a retry (after signing in again) asks anew
                pending, asked = asked, None
                return pending
            return client.list_reports(query, cursor=cursor, limit=limit)

        return await self.crm.api(request)

    @on(ReportTable.RowsNeeded)
    def _rows_needed(self, message: ReportTable.RowsNeeded) -> None:
        window = self.window
        if window.loading is not None and window.missing(message.start, message.end) == window.loading:
            # The page these rows need first is on its way (a newer fill would cancel it and
            # ask for it again); once it lands, the table asks for whatever is still missing.
            return
        self.fill(message.start, message.end)

    @work(exclusive=True, group="pages")
    async def fill(self, start: int, end: int) -> None:
        window = self.window
        first = window.total is None
        try:
            await window.fill(start, end, loaded=self._list_changed)
        except CrmApiError as error:
            self._list_failed = True
            if first:  # nothing listed yet: say why, where the list and the detail would be
                self.table.unavailable = TEXTS("list_not_loaded", reason=describe(error))
                self.detail.show_message(TEXTS("list_not_loaded", reason=describe(error)))
            return
        self._list_failed = False
        self.table.unavailable = None
        if first and window is self.window:
            if window.total == 0:
                # Nothing listed: no report may stay the subject of keys behind the scenes.
                self.highlighted = None
                self.detail.show_message(TEXTS("empty"))
                self.refresh_bindings()
            else:
                self._highlight(window.row(self.table.cursor))

    def _list_changed(self) -> None:
        window = self.window
        self.table.now = self.crm.now()
        self.table.refresh_rows()
        self.header.total = window.total
        self.header.total_is_lower_bound = window.at_least
        self.header.stale = window.stale

    def marks_changed(self) -> None:
        self.table.marked_numbers = frozenset(self.marks)
        self.header.marked = len(self.marks)
        self.refresh_bindings()

    def show_view(self, view: View) -> None:
        """Switch the list to a saved view."""
        self.view = view
        if view.query == self.query_state:
            self._name_query()
        self.set_query(view.query)

    def _name_query(self) -> None:
        """The header names the view, whether the list is narrowed beyond it, and the sort."""
        query, view = self.query_state, self.view
        self.header.view = view.shown_title
        self.header.filtered = query.replace(sort=view.query.sort) != view.query
        self.header.narrowed_by = narrowing(view.query, query)
        self.header.sort = sort_label(query.sort)

    def set_query(self, query: ReportQuery) -> None:
        """Show another result set (a filter, a search, a sort): from its top."""
        if query == self.query_state:
            return
        self.query_state = query
        self._name_query()
        self.window = self._new_window()
        self.table.set_source(self.window)
        self._list_changed()
        self.fill(0, self.size.height)

    @work(exclusive=True, group="reload")
    async def reload_list(self, *, only_if_found: bool = False) -> None:
        """Load the list again, keeping the cursor on its report wherever it went; the list on
        screen stays until the new one is ready. `only_if_found`: keep the list as it is when
        the report is no longer near (reports arrived: the cursor must not move for them)."""
        fresh = self._new_window()
        anchor = self.table.highlighted_summary
        old_cursor, old_top = self.table.cursor, int(self.table.scroll_y)
        try:
            if anchor is not None:
                index = await fresh.locate(anchor.number, old_cursor, max_pages=ANCHOR_PAGES)
            else:
                index = None
                await fresh.fill(0, 1)
        except CrmApiError:
            self._list_failed = True
            return
        self._list_failed = False
        if index is None and only_if_found:
            return
        self.window = fresh
        # The cursor stays on its report, which keeps its place on screen unless it must scroll.
        cursor = index if index is not None else min(old_cursor, max(0, (fresh.total or 1) - 1))
        self.table.set_source(fresh, cursor=cursor, scroll_y=old_top)
        self._list_changed()
        self.fill(int(self.table.scroll_y), int(self.table.scroll_y) + self.size.height)

    # --- the subject ----------------------------------------------------------------------------

    @on(ReportTable.Highlighted)
    def _highlighted(self, message: ReportTable.Highlighted) -> None:
        self._highlight(message.summary)

    def _highlight(self, summary: ReportSummary | None) -> None:
        """The cursor is on `summary`'s row (None: a row still loading): it is the subject now."""
        self.highlighted = summary
        if summary is None:
            self._detail_timer.pause()
            self.detail.show_message(TEXTS("loading"))
            return
        self._seen(summary.number)
        current = self.current
        if current is not None and current.number == summary.number and current.version >= summary.version:
            self._detail_timer.pause()
            self.show_report(current)
            return
        # At once, the subject's banner, number and status; its full report once the cursor rests.
        self.detail.show_pending(summary, TEXTS("loading_detail"))
        self._detail_timer.reset()
        self._detail_timer.resume()

    @on(ReportTable.Selected)
    def _selected(self, message: ReportTable.Selected) -> None:
        self.detail.focus()

    def _cursor_rested(self) -> None:
        self._detail_timer.pause()
        if self.highlighted is not None:
            self.load_detail(self.highlighted.number)

    def _seen(self, number: str) -> None:
        if number in self.new_numbers:
            self.new_numbers.discard(number)
            self._show_new()

    def _show_new(self) -> None:
        self.table.new_numbers = frozenset(self.new_numbers)
        self.header.new_count = len(self.new_numbers)

    def is_subject(self, number: str) -> bool:
        return self.highlighted is not None and self.highlighted.number == number

    # --- the detail -----------------------------------------------------------------------------

    @work(exclusive=True, group="detail")
    async def load_detail(self, number: str, *, changed_by_other: bool = False, who: str | None = None) -> None:
        """Load the subject's full report. `changed_by_other`: someone else just changed it
        (`who`, when the event said; else the newest history entry says)."""
        client = self.crm.client
        try:
            report = await self.crm.api(lambda: client.get_report(number))
        except CrmApiError as error:
            self._detail_not_loaded(number, error)
            return
        notice = None
        if changed_by_other:
            if who is None and report.history and report.history[-1].actor is not None:
                who = report.history[-1].actor.display_name
            notice = TEXTS("changed_live", who=line(who) if who else TEXTS("someone"))
        self.show_report(report, notice=notice)

    def _detail_not_loaded(self, number: str, error: CrmApiError) -> None:
        if not self.is_subject(number):
            return
        if isinstance(error, NotFound):
            self._detail_failed = None
            self.detail.show_message(TEXTS("not_found", number=line(number)))
            return
        self._detail_failed = number
        subject = self.highlighted
        if subject is not None and not isinstance(subject, Report):
            self.detail.show_summary(subject)  # what the list knows of it, under its banner
        if is_unreachable(error):
            self.detail.show_notice(TEXTS("not_loaded", number=line(number), reason=describe(error)))
        else:
            self.detail.show_notice(describe(error))

    def show_report(self, report: Report, *, notice: str | None = None) -> None:
        """A full report arrived (a load, a write's answer): its row is updated, and the detail
        shows it if it is the subject (never another report's)."""
        if self.current is None or self.current.number != report.number or self.current.version <= report.version:
            self.current = report
        if self.window.replace(report) is not None:
            self.table.refresh_rows()
        if not self.is_subject(report.number):
            return
        self.highlighted = report
        self._detail_failed = None
        self.detail.now = self.crm.now()
        self.detail.show_report(report)
        self.detail.show_notice(notice)
        self.refresh_bindings()

    @on(ReportDetail.PhotoNeeded)
    def _photo_needed(self, message: ReportDetail.PhotoNeeded) -> None:
        current = self.current
        if current is not None and current.number == message.number and self.is_subject(message.number):
            self.load_photo(current)

    @work(exclusive=True, group="photo")
    async def load_photo(self, report: Report) -> None:
        """Only ever for a report the server says has an available photo: the client refuses
        (without a request) any other, and the detail never asks for a private one."""
        client = self.crm.client
        try:
            data = await self.crm.api(lambda: client.get_photo(report))
        except CrmApiError as error:
            self.detail.show_photo_error(report.number, describe(error))
            return
        self.detail.show_photo(report.number, data)

    # --- the connection -------------------------------------------------------------------------

    def _connection_changed(self, state: ConnectionState) -> None:
        self.header.connection = state
        if state == "online":
            self._recover()

    def _recover(self) -> None:
        """The server answers again: load what could not be loaded while it did not."""
        if self._list_failed:
            if self.window.total is None:
                self.fill(0, self.size.height)
            else:
                self.reload_list()
        subject = self.highlighted
        if subject is not None and self._detail_failed == subject.number:
            self.load_detail(subject.number)
        elif self.detail.photo.state == "error" and self.current is not None and self.is_subject(self.current.number):
            self.load_photo(self.current)
