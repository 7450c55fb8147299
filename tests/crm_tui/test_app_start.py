"""Start-up: the connect screen, signing in, and an unreachable server."""

from __future__ import annotations

from textual.widgets import Input

from api_client import CrmClient
from api_client.retry import RetryPolicy
from crm_tui.screens.login_screen import LoginScreen
from tests.crm_tui import faults
from tests.crm_tui.harness import console, main_loaded, screen_text, sign_in_ready, type_text, until
from tests.support.server import free_port
from widgets.privacy_banner import PRIVATE_TEXT, PUBLIC_TEXT, PrivacyBanner


async def test_kiosk_credentials_open_the_main_screen(demo_server):
    async with console(demo_server, "dispatcher") as (app, _pilot):
        text = screen_text(app)
        assert "Sari Wulandari" in text and "Kelurahan Cideng" in text
        assert app.screen.window.total > 0
        banner = PRIVATE_TEXT if app.screen.current.private else PUBLIC_TEXT
        assert app.screen.query_one(PrivacyBanner).render().plain == banner  # Indonesian UI: no gloss
        assert banner.split()[0] in text


async def test_the_start_asks_the_server_once_for_the_sign_in_and_once_for_the_first_page(demo_server):
    # With credentials, signing in is what reaches the server (no health check before it); the
    # list's first page is asked for as soon as it is signed in, and the list redrawing while
    # that page is on its way does not ask for it again.
    transport = faults.Faults()
    client = CrmClient(demo_server.base_url, transport=transport)
    async with console(demo_server, client=client) as (app, _pilot):
        paths = [request.url.path for request in transport.requests]
        first_pages = [
            r for r in transport.requests if r.url.path.endswith("/reports") and "cursor" not in r.url.params
        ]
        assert paths.count("/api/v1/auth/login") == 1 and not [p for p in paths if p.endswith("/healthz")]
        assert len(first_pages) == 1
        assert paths.index("/api/v1/auth/login") < transport.requests.index(first_pages[0])
        assert app.screen.window.total > 0


async def test_login_screen_refuses_a_wrong_password_then_signs_in(demo_server):
    async with console(demo_server, None) as (app, pilot):
        await until(pilot, lambda: sign_in_ready(app), "the login screen")
        await type_text(pilot, "officer")
        await pilot.press("enter")
        await type_text(pilot, "wrong")
        await pilot.press("enter")
        await until(pilot, lambda: "Nama pengguna atau kata sandi salah" in screen_text(app), "the refusal")
        password = app.screen.query_one("#password", Input)
        assert password.value == "" and password.password  # masked, and cleared after a refusal
        assert app.screen.query_one("#username", Input).value == "officer"  # what was typed stays
        await type_text(pilot, "officer-demo")
        await pilot.press("enter")
        await until(pilot, lambda: main_loaded(app), "the main screen")
        assert "Budi Santoso" in screen_text(app)


async def test_unreachable_server_is_a_message_that_keeps_retrying():
    port = free_port()  # nothing listens here

    class Nowhere:
        base_url = f"http://127.0.0.1:{port}"

    async with console(Nowhere(), "dispatcher", wait=False) as (app, pilot):
        await until(
            pilot, lambda: "cannot be reached" in screen_text(app) or "tidak dapat dihubungi" in screen_text(app)
        )
        text = screen_text(app)
        assert f"127.0.0.1:{port}" in text
        assert "Traceback" not in text
        await until(
            pilot,
            lambda: "2" in screen_text(app).split("attempt")[-1] or "ke-2" in screen_text(app),
            "a second attempt",
            timeout=10,
        )
        assert app.is_running


async def test_while_it_retries_the_connect_screen_says_how_to_quit(english_ui):
    class Nowhere:
        base_url = f"http://127.0.0.1:{free_port()}"

    async with console(Nowhere(), "dispatcher", wait=False, keymap={"connect.quit": "x"}) as (app, pilot):
        await until(pilot, lambda: "cannot be reached" in screen_text(app), "the unreachable message")
        assert "Press x to quit." in screen_text(app)  # the key as remapped
        await pilot.press("x")
        await until(pilot, lambda: not app.is_running, "the console to quit")


async def test_the_quit_hint_in_indonesian():
    class Nowhere:
        base_url = f"http://127.0.0.1:{free_port()}"

    async with console(Nowhere(), "dispatcher", wait=False) as (app, pilot):
        await until(pilot, lambda: "tidak dapat dihubungi" in screen_text(app), "the unreachable message")
        assert "Tekan q untuk keluar." in screen_text(app)


async def test_a_throttled_server_without_credentials_opens_the_login_with_the_wait(demo_server, english_ui):
    transport = faults.Faults()
    transport.throttle(faults.health)
    # Retries that honour Retry-After only briefly: the client's own are not what is tested here.
    quick = RetryPolicy(max_retries=1, initial_backoff=0.01, max_backoff=0.02, retry_after_cap=0.1)
    client = CrmClient(demo_server.base_url, transport=transport, retry=quick)
    async with console(demo_server, None, client=client, wait=False) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        await until(pilot, lambda: "Too many attempts: wait 30 s." in screen_text(app), "the wait")
        assert app.screen.query_one("#username", Input).value == ""
