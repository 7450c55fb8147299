"""The main screen's session and live updates: signing in again over the screen, and the
event stream (new reports marked and counted, others' changes applied to row and detail)."""

from __future__ import annotations

import contextlib

from textual import work

from api_client import Unauthorized
from api_client.models import Event, Resync, Session, StreamStatus

AUTO_REFRESH_ROWS = 3  # a new report is shown at once when the cursor is this close to the top


class LiveUpdates:
    """Mixed into MainScreen."""

    def relogin(self) -> None:
        """The session ended: sign in again over this screen, then carry on where we were."""
        if self.app.signing_in:
            return
        self.app.signing_in = True

        def resumed(session: Session | None) -> None:
            self.app.signing_in = False
            if session is not None:
                self.fill(self.table.cursor, self.table.cursor + self.size.height)
                self.follow_events()
                if self.current is not None:
                    self.load_detail(self.current.number)

        from crm_tui.screens.login_screen import LoginScreen

        self.app.push_screen(LoginScreen(username=self.operator.username, again=True), resumed)

    @work(exclusive=True, group="events")
    async def follow_events(self) -> None:
        stream = self.app.client.events(last_event_id=self._events_from)
        try:
            async with contextlib.aclosing(stream):
                async for item in stream:
                    if isinstance(item, StreamStatus):
                        self.header.connection = "online" if item.state == "connected" else "reconnecting"
                    elif isinstance(item, Resync):
                        self._events_from = item.latest_id
                        self.action_refresh()
                    elif isinstance(item, Event):
                        self._events_from = item.id
                        self._live(item)
        except Unauthorized:
            self.header.connection = "offline"
            self.relogin()

    def _live(self, event: Event) -> None:
        summary = event.report
        if event.type == "created":
            self._new_numbers.add(summary.number)
            self.table.new_numbers = frozenset(self._new_numbers)
            self.header.new_count = len(self._new_numbers)
            if self.table.cursor < AUTO_REFRESH_ROWS and self.query_state.sort == "-created":
                keep = set(self._new_numbers)
                self.reload_list()
                self._new_numbers |= keep
                self.table.new_numbers = frozenset(self._new_numbers)
                self.header.new_count = len(self._new_numbers)
            return
        if self.window.replace(summary) is not None:
            self.table.refresh_rows()
        current = self.current
        if current is None or current.number != summary.number:
            return
        if self._own_versions.get(summary.number) == summary.version and event.type != "noted":
            return
        self.load_detail(summary.number, live=True)
