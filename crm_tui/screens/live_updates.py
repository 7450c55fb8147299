"""The main screen's live updates: the event stream, applied without moving the operator.

- A report arriving is counted in the header and marked in the list; when the top of the list
  is on screen the list is reloaded so that it shows, with the cursor still on its report. The
  operator goes to new reports deliberately (`action_new_reports`).
- A change to a listed report updates its row; to the subject, its detail (saying who changed
  it); to the report of an open action dialog, the dialog's notice (who changed what).
- When the server cannot replay what was missed (`Resync`), the list and the detail reload.
"""

from __future__ import annotations

import contextlib

from textual import work
from textual.timer import Timer

from api_client.errors import Unauthorized
from api_client.models import Event, Resync, StreamStatus
from crm_tui.screens.report_browser import ReportBrowser

ARRIVALS_SETTLE_SECONDS = 0.3  # arrivals in a burst reload the list once


class LiveUpdates(ReportBrowser):
    """Following the server's event stream."""

    _events_from: int | None = None
    _arrivals_timer: Timer | None = None

    def on_mount(self) -> None:
        # Textual calls every class's handler in the MRO: the browser's own mounts the list.
        self.follow_events()

    @work(exclusive=True, group="events")
    async def follow_events(self) -> None:
        api = self.crm.api
        while True:
            opened_in = api.session()
            stream = self.crm.client.events(last_event_id=self._events_from)
            try:
                async with contextlib.aclosing(stream):
                    async for item in stream:
                        if isinstance(item, StreamStatus):
                            if item.state == "connected":
                                api.set_state("online")
                            elif self.crm.connection != "offline":
                                # Offline (a call found the server unreachable) stays so while the
                                # stream retries: "reconnecting" is for a stream lost from a server
                                # still answering.
                                api.set_state("reconnecting")
                        elif isinstance(item, Resync):
                            self._events_from = item.latest_id
                            self._resync()
                        else:
                            self._events_from = item.id
                            self._live(item)
                return
            except Unauthorized:
                # Refused a session that another call has replaced meanwhile (the operator signed
                # in again while this one reconnected): open it again in the new one, unasked.
                if api.session() == opened_in and not await api.sign_in_again():
                    return

    def _resync(self) -> None:
        self.reload_list()
        if self.highlighted is not None:
            self.load_detail(self.highlighted.number)

    def _live(self, event: Event) -> None:
        summary = event.report
        if event.type == "created":
            self._arrived(summary.number)
            return
        if self.window.replace(summary) is not None:
            self.table.refresh_rows()
        own = self._own_versions.get(summary.number) == summary.version and event.type != "noted"
        if own:
            return
        actor = event.actor
        who = actor.display_name if actor else None
        self._tell_dialogs(event, who)
        if self.is_subject(summary.number):
            mine = actor is not None and actor.username == self.operator.username
            self.load_detail(summary.number, changed_by_other=not mine, who=who)

    def _tell_dialogs(self, event: Event, who: str | None) -> None:
        from crm_tui.dialogs.action_dialog import ActionDialog

        for screen in self.app.screen_stack:
            if isinstance(screen, ActionDialog):
                screen.report_changed(event.report, who=who, when=event.at)

    # --- arrivals -------------------------------------------------------------------------------

    def _arrived(self, number: str) -> None:
        self.new_numbers.add(number)
        self._show_new()
        # New reports show when the operator is at the top of the list (where they come, in the
        # default order); deeper down they are counted, and `r` or the new-reports key shows them.
        if self.table.scroll_y < self.window.page_size and self._arrivals_timer is None:
            self._arrivals_timer = self.set_timer(ARRIVALS_SETTLE_SECONDS, self._show_arrivals)

    def _show_arrivals(self) -> None:
        self._arrivals_timer = None
        self.reload_list(only_if_found=True)
