"""The one path from the console's screens to the server.

Every call a screen makes goes through `ApiCalls`, which handles once what each worker would
otherwise handle its own way:

- `Unauthorized`: the session ended. Sign in again over the screen (one sign-in however many
  calls asked for it at once), then send the call again, once.
- The connection state follows the last outcome: a call that reached the server says "online"
  (whatever it answered), one that could not reach it says "offline". While offline a probe asks
  the server's health with backoff, so the state comes back without waiting for a key press;
  screens watch `CrmApp.connection` and reload what failed meanwhile.
- Anything else is raised as the client's `CrmApiError`; `crm_tui.error_messages.describe` gives
  the operator's words for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from api_client.errors import APIConnectionError, CrmApiError, Unauthorized

if TYPE_CHECKING:
    from api_client.models import Session
    from crm_tui.app import CrmApp

T = TypeVar("T")
ConnectionState = Literal["online", "reconnecting", "offline"]

PROBE_FIRST_SECONDS = 1.0
PROBE_MAX_SECONDS = 15.0


class ApiCalls:
    def __init__(self, app: CrmApp) -> None:
        self._app = app
        self._sign_in: asyncio.Future[bool] | None = None
        self._probing = False

    async def __call__(self, request: Callable[[], Awaitable[T]]) -> T:
        """`await request()`, signing in again and retrying once if the session has ended."""
        try:
            return self._reached(await request())
        except Unauthorized:
            self.set_state("online")
            if not await self.sign_in_again():
                raise
        except CrmApiError as error:
            self._failed(error)
            raise
        try:
            return self._reached(await request())
        except CrmApiError as error:
            self._failed(error)
            raise

    # --- signing in again ---------------------------------------------------------------------

    async def sign_in_again(self) -> bool:
        """Ask the operator to sign in again (over whatever is on screen) and wait for it. Calls
        that need it at the same time share one sign-in. False when there is no one to sign in
        (nobody signed in yet)."""
        username = self._app.operator_username
        if username is None:
            return False
        if self._sign_in is None:
            from crm_tui.screens.login_screen import LoginScreen

            future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self._sign_in = future

            def signed_in(session: Session | None) -> None:
                self._sign_in = None
                if not future.done():
                    future.set_result(session is not None)

            self._app.push_screen(LoginScreen(username=username, again=True), signed_in)
        # Shielded: a worker cancelled while it waits (a newer load) must not cancel the sign-in.
        return await asyncio.shield(self._sign_in)

    @property
    def signing_in(self) -> bool:
        return self._sign_in is not None

    # --- the connection state ---------------------------------------------------------------

    def set_state(self, state: ConnectionState) -> None:
        self._app.connection = state
        if state != "online":
            self._start_probe()

    def _reached(self, value: T) -> T:
        self.set_state("online")
        return value

    def _failed(self, error: CrmApiError) -> None:
        self.set_state("offline" if isinstance(error, APIConnectionError) else "online")

    def _start_probe(self) -> None:
        if not self._probing:
            self._probing = True
            self._app.run_worker(self._probe(), group="connection-probe", exit_on_error=False)

    async def _probe(self) -> None:
        delay = PROBE_FIRST_SECONDS
        try:
            while self._app.connection != "online":
                await asyncio.sleep(delay)
                if self._app.connection == "online":
                    return
                try:
                    await self._app.client.health()
                except CrmApiError:
                    delay = min(delay * 2, PROBE_MAX_SECONDS)
                    continue
                self._app.connection = "online"
        finally:
            self._probing = False
