"""A backend that sends hostile text in every field and in its error messages (the real server,
behind a transport that rewrites its answers): the console must sanitise whatever arrives."""

from __future__ import annotations

import json

import httpx
import pytest

from api_client import CrmClient
from crm_tui.app import CrmApp
from crm_tui.config import Config
from tests.crm_tui.harness import main_loaded, screen_text, until
from tests.crm_tui.hostile_screen import (
    assert_clean_screen,
    click_every_hostile_link,
    toasts,
)
from tests.support.hostile import (
    CLICK,
    ESCAPES,
    HOSTILE_BLOCK,
    HOSTILE_LINE,
    MARKUP,
    control_characters,
)
from widgets.field_list import FieldList

# Every text a report, an operator or an officer carries (codes, numbers, usernames and dates
# stay valid: the client would refuse the answer otherwise, which is tested in api_client).
LINE_FIELDS = {
    "title",
    "channel",
    "category_name",
    "kelurahan",
    "kecamatan",
    "city",
    "name",
    "display_name",
    "address",
    "action",
    "detail",
}
BLOCK_FIELDS = {"description", "note", "text"}
ERROR_PATH = "/api/v1/reports/{number}"


def hostile_json(value: object) -> object:
    if isinstance(value, dict):
        return {
            key: HOSTILE_LINE
            if key in LINE_FIELDS and isinstance(item, str)
            else HOSTILE_BLOCK
            if key in BLOCK_FIELDS and isinstance(item, str)
            else hostile_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [hostile_json(item) for item in value]
    return value


class HostileBackend(httpx.AsyncBaseTransport):
    """Forwards to the real server, then rewrites every JSON answer's text; answers one report
    with a 500 whose message is `error_message`."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.failing: str | None = None
        self.error_message = ""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.url.path == ERROR_PATH.format(number=self.failing):
            body = {"error": "internal", "message": self.error_message, "request_id": "r-1"}
            return httpx.Response(500, json=body)
        response = await self.inner.handle_async_request(request)
        if "application/json" not in response.headers.get("content-type", ""):
            return response
        await response.aread()
        data = hostile_json(json.loads(response.content))
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(data).encode())

    async def aclose(self) -> None:
        await self.inner.aclose()


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.mark.slow
async def test_every_field_and_error_message_from_a_hostile_backend(demo_server, monkeypatch):
    quits: list[str] = []
    monkeypatch.setattr(CrmApp, "action_quit", lambda self: quits.append("quit"))
    backend = HostileBackend()
    client = CrmClient(demo_server.base_url, transport=backend)
    app = CrmApp(Config(server=demo_server.base_url), client=client, credentials=("dispatcher", "dispatcher-demo"))
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await until(pilot, lambda: main_loaded(app), "the main screen")
        screen = app.screen
        for _ in range(3):
            before = screen.current.number
            await pilot.pause()
            assert_clean_screen(app)
            detail = screen.detail
            assert str(detail.query_one("#title").render()).startswith("[@click=app.quit]x[/] [/] [/bold]")
            for list_id in ("#fields", "#history", "#notes"):
                for label, value in detail.query_one(list_id, FieldList).rows:
                    assert control_characters(str(value)) == [], (list_id, label)
            assert CLICK in screen_text(app) and "]0;pwned-title" in screen_text(app)
            await click_every_hostile_link(pilot, app)
            assert app.is_running and quits == []
            await pilot.press("escape", "j")
            await until(pilot, lambda before=before: screen.current.number != before, "the next report")

        # Error messages: a server's message is never shown, hostile or not (it is in the
        # backend's words and language); the console says what failed in its own.
        notice = screen.detail.query_one("#notice")
        for message in (MARKUP, f"bad {ESCAPES}"):
            app.clear_notifications()
            backend.failing, backend.error_message = screen.current.number, message
            await pilot.press("r")
            await until(
                pilot,
                lambda: "The CRM server failed to process the request; try again." in str(notice.render()),
                "the detail saying the load failed",
            )
            assert message not in str(notice.render()) and message not in toasts(app)
            assert control_characters(toasts(app)) == []
            assert_clean_screen(app)
            await click_every_hostile_link(pilot, app)
            assert app.is_running and quits == []
