"""The one path from the console's screens to the server.

Every call a screen makes goes through `ApiCalls`, which handles once what each worker would
otherwise handle its own way:

- `Unauthorized`: the session ended. Sign in again (the app asks the operator, over the screen;
  one sign-in however many calls need it at once), then send the call again, once.
- The connection state follows the last outcome: a call that reached the server says "online"
  (whatever it answered), one that could not reach it says "offline". The app shows the state
  and, while offline, probes the server so that it comes back without a key press; screens
  reload what failed meanwhile.
- Anything else is raised as the client's `CrmApiError`; `crm_tui.error_messages.describe` gives
  the operator's words for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from api_client.errors import APIConnectionError, CrmApiError, Unauthorized

T = TypeVar("T")
ConnectionState = Literal["online", "reconnecting", "offline"]


class ApiCalls:
    def __init__(
        self,
        *,
        sign_in_again: Callable[[], Awaitable[bool]],
        set_state: Callable[[ConnectionState], None],
    ) -> None:
        """`sign_in_again()`: the operator signed in again (False: nobody to sign in);
        `set_state(state)`: what the last outcome says of the connection."""
        self.sign_in_again = sign_in_again
        self.set_state = set_state

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

    def _reached(self, value: T) -> T:
        self.set_state("online")
        return value

    def _failed(self, error: CrmApiError) -> None:
        self.set_state("offline" if isinstance(error, APIConnectionError) else "online")
