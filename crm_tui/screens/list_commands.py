"""The main screen's list commands: search, filters, sort, the `:` command line, jump, help."""

from __future__ import annotations

from textual import work

from api_client import CrmApiError
from api_client.query import ReportQuery
from widgets.i18n import Texts
from widgets.safe_text import line

_T = Texts(
    id={"not_found": "Laporan {number} tidak ditemukan."},
    en={"not_found": "Report {number} not found."},
)


class ListCommands:
    """Mixed into MainScreen: what changes which reports the list shows, or where it stands."""

    def action_help(self) -> None:
        from crm_tui.dialogs.help_screen import HelpScreen

        rows = {
            (active.binding.id, self.app.get_key_display(active.binding), active.binding.description)
            for active in self.active_bindings.values()
            if active.binding.id
        }
        self.app.push_screen(HelpScreen(sorted(rows)))

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

    @work(group="reference")
    async def action_filters(self) -> None:
        from crm_tui.dialogs.filter_dialog import FilterDialog

        try:
            categories = await self.app.reference_categories()
        except CrmApiError as exc:
            self.notify(exc.message, severity="error")
            return
        query = await self.app.push_screen_wait(
            FilterDialog(self.query_state, categories, can_filter_assignee=True)
        )
        if query is not None:
            self.set_query(query)

    def set_query(self, query: ReportQuery) -> None:
        if query != self.query_state:
            self.query_state = query
            self.header.filtered = query.replace(sort=ReportQuery().sort) != ReportQuery()
            self.reload_list()

    def action_command_line(self) -> None:
        from crm_tui.commands import (
            CommandError,
            Help,
            Jump,
            Quit,
            Refresh,
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
                case CommandError(message=message):
                    self.notify(message, severity="warning")

        self.app.push_screen(CommandLine(), run)

    def jump(self, number: str) -> None:
        """Show report `number`, and put the list's cursor on it if its row is loaded."""
        # The row highlighted before must not load once the cursor "rests" and take the detail
        # back from the report asked for.
        self._detail_timer.pause()
        self._load_jumped_to(number)

    @work(exclusive=True, group="detail")
    async def _load_jumped_to(self, number: str) -> None:
        try:
            report = await self.app.client.get_report(number)
        except CrmApiError:
            self.notify(_T("not_found", number=line(number)), severity="warning")
            return
        index = self.window.index_of(report.number)
        if index is not None:
            self.table.cursor = index
        self.show_report(report)
