"""The one path from the console's screens to the server.

Every call a screen makes goes through `ApiCalls`, which handles once what each worker would
otherwise handle its own way:

- `Unauthorized`: the session ended. Sign in again (the app asks the operator, over the screen;
  one sign-in however many calls need it at once), then send the call again, once. A call that
  was on its way while the console signed in again (an unlock revokes the token before it) is
  sent again with the new token, without asking the operator.
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
        session: Callable[[], object],
    ) -> None:
        """`sign_in_again()`: the operator signed in again (False: nobody to sign in);
        `set_state(state)`: what the last outcome says of the connection; `session()`: what
        identifies the session calls are sent in now (it changes with each sign-in)."""
        self.sign_in_again = sign_in_again
        self.set_state = set_state
        self.session = session

    async def __call__(self, request: Callable[[], Awaitable[T]]) -> T:
        """`await request()`, signing in again and retrying once if the session has ended."""
        sent_in = self.session()
        try:
            return self._reached(await request())
        except Unauthorized:
            self.set_state("online")
            # Sent in a session that has been replaced since: no need to ask the operator.
            if self.session() == sent_in and not await self.sign_in_again():
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
