"""What the console's screens use of the app, typed: `console_host(self)` instead of an untyped
`self.app.<attr>`. `CrmApp` is the one implementation; the screens depend on this, not on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from api_client import CrmClient
    from api_client.models import Category, Session
    from crm_tui.api_calls import ApiCalls, ConnectionState
    from crm_tui.config import Config
    from widgets.photo_renderers import PhotoRenderer


class ConsoleHost(Protocol):
    client: CrmClient
    """The one long-lived API client."""
    api: ApiCalls
    """Every call a screen makes to the server goes through it."""
    config: Config
    connection: ConnectionState
    """Whether the server answers (a reactive: screens watch it)."""
    credentials: tuple[str, str] | None
    """Where sign-in comes from without the login screen (kiosks, the demo)."""
    now: Callable[[], datetime]
    lock_glyph: str
    demo: bool
    """Signed in to the embedded demo backend (`crm-tui demo`)."""

    def photo_renderer(self) -> PhotoRenderer: ...

    async def reference_categories(self) -> list[Category]: ...

    def first_sign_in(self) -> Awaitable[Session] | None: ...

    def show_login(self, *, error: str | None = None, username: str | None = None) -> None: ...

    def open_main(self, session: Session) -> None: ...


def console_host(node: DOMNode) -> ConsoleHost:
    """The app `node` runs in, as the console's screens see it."""
    return cast("ConsoleHost", node.app)
