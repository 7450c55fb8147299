"""Fixtures shared by every test folder: the real server, started and stopped by the tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support import postgres
from tests.support.server import ServerProcess


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One seeded server for tests that only read, or write to reports no other test uses."""
    server = ServerProcess(tmp_path_factory.mktemp("demo") / "crm.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture
def make_server(tmp_path) -> Iterator[Callable[..., ServerProcess]]:
    """Fresh servers of the test's own, each on its own database; all stopped after the test."""
    started: list[ServerProcess] = []

    def start(**kwargs) -> ServerProcess:
        server = ServerProcess(tmp_path / f"crm{len(started)}.sqlite3", **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def fresh_server(make_server) -> ServerProcess:
    return make_server()


@pytest.fixture(scope="session")
def hostile_world(tmp_path_factory: pytest.TempPathFactory):
    """A server whose reports, names and notes carry hostile text, some of it planted raw
    (tests/support/hostile.py); shared by the pilot and the terminal tests."""
    from tests.support.hostile import build_hostile_world

    world = build_hostile_world(tmp_path_factory.mktemp("hostile"))
    yield world
    world.server.stop()


@pytest.fixture
def english_ui():
    """The console in English for one test, then back to the language it had."""
    from widgets.i18n import language, set_language

    previous = language()
    set_language("en")
    yield
    set_language(previous)


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see the same terminal wherever they run: one that says nothing of kitty graphics
    or sixel (a developer's kitty would otherwise change how every console test draws photos)."""
    for name in ("KITTY_WINDOW_ID", "TERM_PROGRAM", "KONSOLE_VERSION", "CRM_TUI_PHOTOS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture(scope="session", autouse=True)
def postgres_cluster() -> Iterator[None]:
    """On a PostgreSQL run, the cluster the test servers share is stopped with the session."""
    yield
    postgres.stop()
