"""The main screen's list commands: search, filters, sort, the `:` command line, jump, help,
and going to the reports that arrived."""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from api_client.errors import CrmApiError, NotFound
from api_client.models import ReportPage
from api_client.query import ReportQuery
from crm_tui.error_messages import describe
from crm_tui.screens.report_browser import ReportBrowser
from crm_tui.views import all_views
from widgets.i18n import Texts
from widgets.report_format import units_legend
from widgets.safe_text import line

if TYPE_CHECKING:
    from crm_tui.dialogs.export_dialog import ExportDialog

TEXTS = Texts(
    id={
        "not_found": "Laporan {number} tidak ditemukan, atau di luar wilayah Anda.",
        "not_loaded": "Laporan {number} belum dimuat: {reason}",
        "no_new": "Tidak ada laporan baru yang belum dilihat.",
        "no_view": "Tidak ada tampilan {name}. Tampilan: {names}.",
    },
    en={
        "not_found": "Report {number} was not found, or is outside your area.",
        "not_loaded": "Report {number} is not loaded: {reason}",
        "no_new": "There is no new report you have not seen.",
        "no_view": "There is no view {name}. Views: {names}.",
    },
)


class ListCommands(ReportBrowser):
    """What changes which reports the list shows, or where it stands."""

    def action_help(self) -> None:
        from crm_tui.dialogs.help_screen import HelpScreen

        rows = {
            (active.binding.id, self.app.get_key_display(active.binding), active.binding.description)
            for active in self.active_bindings.values()
            if active.binding.id
        }
        accounts = []
        if self.crm.demo:
            from crm_tui.demo_backend import demo_accounts

            accounts = demo_accounts()
        self.app.push_screen(HelpScreen(sorted(rows), notes=[units_legend()], accounts=accounts))

    def action_text_filter(self) -> None:
        from crm_tui.dialogs.text_filter import TextFilterDialog

        def apply(text: str | None) -> None:
            if text is not None:
                self.set_query(self.query_state.replace(q=text or None))

        self.app.push_screen(TextFilterDialog(self.query_state.q or ""), apply)

    def action_sort(self) -> None:
        from crm_tui.dialogs.sort_dialog import SortDialog

        def apply(sort: str | None) -> None:
            if sort:
                self.set_query(self.query_state.replace(sort=sort))

        self.app.push_screen(SortDialog(self.query_state.sort), apply)

    def action_views(self) -> None:
        from crm_tui.dialogs.view_dialog import ViewDialog

        views = all_views(self.crm.config.views)

        def apply(name: str | None) -> None:
            if name is not None:
                self.show_view(views[name])

        self.app.push_screen(ViewDialog(list(views.values()), self.view.name), apply)

    def action_dashboard(self) -> None:
        from crm_tui.screens.dashboard_screen import DashboardPick, DashboardScreen

        client = self.crm.client

        def apply(pick: DashboardPick | None) -> None:
            if pick is not None:
                self.set_query(self.query_state.replace(assignee=pick.assignee, agency=pick.agency))

        self.app.push_screen(DashboardScreen(lambda: self.crm.api(client.stats), self.operator.agency.name), apply)

    @work(group="reference")
    async def action_filters(self) -> None:
        from crm_tui.dialogs.filter_dialog import FilterDialog

        try:
            categories = await self.crm.api(self.crm.reference_categories)
        except CrmApiError as error:
            self.notify(describe(error), severity="error")
            return
        query = await self.app.push_screen_wait(FilterDialog(self.query_state, categories, can_filter_assignee=True))
        if query is not None:
            self.set_query(query)

    def action_command_line(self) -> None:
        from crm_tui.commands import (
            CommandError,
            Dashboard,
            Export,
            Help,
            Jump,
            Quit,
            Refresh,
            ShowView,
            parse_command,
        )
        from crm_tui.dialogs.command_line import CommandLine

        def run(text: str | None) -> None:
            if not text:
                return
            match parse_command(text):
                case Jump(number=number):
                    self.jump(number)
                case Quit():
                    self.app.exit()
                case Refresh():
                    self.action_refresh()
                case Help():
                    self.action_help()
                case Dashboard():
                    self.action_dashboard()
                case ShowView(name=""):
                    self.action_views()
                case ShowView(name=name):
                    views = all_views(self.crm.config.views)
                    if name in views:
                        self.show_view(views[name])
                    else:
                        self.notify(TEXTS("no_view", name=line(name), names=", ".join(views)), severity="warning")
                case Export(path=path, overwrite=overwrite):
                    self.export(path, overwrite=overwrite)
                case CommandError(message=message):
                    self.notify(message, severity="warning")

        self.app.push_screen(CommandLine(), run)

    def export(self, typed: str, *, overwrite: bool) -> None:
        """Write the list as it is filtered and sorted to a CSV file, with a progress dialog;
        closing the dialog stops it."""
        from crm_tui.dialogs.export_dialog import ExportDialog
        from crm_tui.export import ExportProblem, export_target

        try:
            path = export_target(typed, overwrite=overwrite)
        except ExportProblem as problem:
            self.notify(str(problem), severity="warning")
            return
        dialog = ExportDialog(path)
        worker = self._export(path, self.query_state, dialog)
        self.app.push_screen(dialog, lambda _: worker.cancel())

    @work(exclusive=True, group="export", exit_on_error=False)
    async def _export(self, path: Path, query: ReportQuery, dialog: ExportDialog) -> None:
        from crm_tui.export import PAGE_SIZE, write_csv

        client = self.crm.client

        def fetch(cursor: str | None) -> Awaitable[ReportPage]:
            return self.crm.api(partial(client.list_reports, query, cursor=cursor, limit=PAGE_SIZE))

        try:
            written = await write_csv(
                path, fetch, private_text=self.crm.config.export_private, progress=dialog.show_progress
            )
        except CrmApiError as error:
            dialog.show_failed(describe(error))
        except OSError as error:
            dialog.show_failed(line(error.strerror or type(error).__name__) + ".")
        else:
            dialog.show_done(written)

    def action_refresh(self) -> None:
        self.reload_list()
        subject = self.highlighted
        if subject is not None:
            self.load_detail(subject.number)

    def action_new_reports(self) -> None:
        """To the newest report that arrived and has not been looked at."""
        if not self.new_numbers:
            self.notify(TEXTS("no_new"), severity="warning")
            return
        newest = max(self.new_numbers)  # report numbers sort by day and sequence
        index = self.window.index_of(newest)
        if index is not None:
            self.table.cursor = index
        else:
            self.jump(newest)

    def jump(self, number: str) -> None:
        """Show report `number` (one request), and put the list's cursor on it if its row is
        loaded. Until it has arrived, the subject stays what it was."""
        # The row highlighted before must not load once the cursor "rests" and take the detail
        # back from the report asked for.
        self._detail_timer.pause()
        self._load_jumped_to(number)

    @work(exclusive=True, group="detail")
    async def _load_jumped_to(self, number: str) -> None:
        client = self.crm.client
        try:
            report = await self.crm.api(lambda: client.get_report(number))
        except NotFound:
            self.notify(TEXTS("not_found", number=line(number)), severity="warning")
            return
        except CrmApiError as error:
            self.notify(TEXTS("not_loaded", number=line(number), reason=describe(error)), severity="error")
            return
        self.highlighted = report
        self._seen(report.number)
        index = self.window.index_of(report.number)
        if index is not None:
            self.table.cursor = index  # its Highlighted finds this report loaded: no second request
        self.show_report(report)
