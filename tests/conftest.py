"""Fixtures shared by every test folder: the real servers, started and stopped by the tests; the
UI language; and directories of the session's own for everything the console writes.

Servers, from cheapest to dearest (each is a `crm-server serve` subprocess of this test process;
under pytest-xdist every worker starts its own, on ports, folders and PostgreSQL databases of its
own):

- `demo_server`: seeded once, only read (tests may write to reports no other test touches, but
  never change what another test reads: totals, operators, the newest report);
- `writes_server`: for tests that write; each acts on reports it submitted itself
  (`tests.crm_server.helpers.Api.submit`), so none depends on what another one wrote;
- `make_server` / `fresh_server`: a server of the test's own, only where the test needs one: it
  stops or restarts the server, needs a pristine database, a special seed, or changes something
  every other test would see (say why in a comment next to it).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import postgres
from tests.support.server import TEMPLATES_ENV, ServerProcess

# --- the session's own directories ----------------------------------------------------------------

_HOME_ENV = ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


def pytest_configure(config: pytest.Config) -> None:
    """The console's state (crash logs), config and cache directories point into a folder of
    this process's own, for the whole session, and subprocesses inherit that: no test reads the
    developer's config file or writes into their ~/.local/state. Tests that need a config file
    write one and point CRM_TUI_CONFIG at it."""
    home = Path(tempfile.mkdtemp(prefix="crm-tests-home-"))
    saved = (*_HOME_ENV, "CRM_TUI_CONFIG", TEMPLATES_ENV)
    config.stash[_home_key] = (home, {name: os.environ.get(name) for name in saved})
    for name in _HOME_ENV:
        os.environ[name] = str(home / name.split("_")[1].lower())
    os.environ["CRM_TUI_CONFIG"] = str(home / "config" / "crm-tui" / "config.toml")  # absent unless written
    if not hasattr(config, "workerinput"):  # the session's process, before pytest-xdist starts its workers
        # Told to stop (scripts/test stopping the pass it runs in the background): as Ctrl+C, so
        # that the session still stops its servers and its PostgreSQL cluster on the way out.
        signal.signal(signal.SIGTERM, _interrupted)
        # The seeded databases servers start from, made once and shared with the workers.
        os.environ[TEMPLATES_ENV] = str(home / "templates")
        (home / "templates").mkdir()
        if postgres.wanted():
            # One cluster for the session, started here so that the workers share it.
            postgres.start_shared()


def _interrupted(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        postgres.stop()
    home, saved = config.stash[_home_key]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(home, ignore_errors=True)


_home_key = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


# --- the order and the grouping under pytest-xdist -------------------------------------------------

# Modules that pytest-xdist hands to one worker together: they share a dear session fixture.
SHARED_SCOPES = {
    "tests/crm_tui/test_hostile_reports.py": "hostile_world",
    "tests/e2e/test_hostile_terminal.py": "hostile_world",
}


# The fixtures that start a server, on the database of the run (directly or through another).
SERVER_FIXTURES = {
    "demo_server",
    "writes_server",
    "make_server",
    "fresh_server",
    "hostile_world",  # tests/conftest.py
    "server_suite_server",
    "write_server",
    "events_server",
    "fixed_server",  # the folders' own
    "fuzz_server",
    "relayed_postgresql",
}
# The fixtures that need the run's PostgreSQL cluster itself (a fault put between a server and
# it): their tests run in PostgreSQL runs only, there being no database server to fault on SQLite.
POSTGRESQL_FIXTURES = {"relayed_postgresql"}


# Set by scripts/test when it runs the whole suite as two passes side by side. The PostgreSQL
# pass, the shorter, then also runs once the tests that start no server outside the console's and
# the terminal's folders (about 40 s of its time); the SQLite pass runs the rest.
SPLIT_ENV = "CRM_TEST_SPLIT"
SERVER_TESTS_ON_POSTGRESQL = ("tests/crm_server/",)  # the client's and console's reach it through these
SERVERLESS_ON_SQLITE = ("tests/crm_tui/", "tests/snapshots/", "tests/e2e/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Which tests this run keeps, then modules with the most slow tests first (each module's
    tests in their order), so that pytest-xdist, which hands out whole modules in this order,
    starts the long ones first instead of ending on one.

    A PostgreSQL run keeps only the tests that start a server: the others never reach the run's
    database (they use no database, or a SQLite file of their own) and so run exactly as they do
    on SQLite. In a split run, the PostgreSQL pass keeps the server's tests and the tests that
    start no server outside the console's and the terminal's folders, and the SQLite pass all the
    others, but those of POSTGRESQL_FIXTURES; a test marked `one_pass(database)` runs in that
    database's pass alone."""
    split = os.environ.get(SPLIT_ENV) == "1"

    def kept(item: pytest.Item) -> bool:
        if POSTGRESQL_FIXTURES & set(item.fixturenames) and not postgres.wanted():
            return False
        with_server = bool(SERVER_FIXTURES & set(item.fixturenames))
        one_pass = item.get_closest_marker("one_pass")
        if split and one_pass and one_pass.args[0] != ("postgresql" if postgres.wanted() else "sqlite"):
            return False
        on_sqlite_in_split = with_server or item.nodeid.startswith(SERVERLESS_ON_SQLITE)
        if not postgres.wanted():
            return on_sqlite_in_split or not split
        if split:
            return item.nodeid.startswith(SERVER_TESTS_ON_POSTGRESQL) if with_server else not on_sqlite_in_split
        return with_server

    left = [item for item in items if not kept(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if kept(item)]
    slow = Counter(_module(item) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[_module(item)])


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope` with the modules of SHARED_SCOPES sent to one worker together."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return SHARED_SCOPES.get(module, module)

    return Scheduling(config, log)


# --- servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One seeded server for tests that only read, or write to reports no other test uses."""
    server = ServerProcess(tmp_path_factory.mktemp("demo") / "crm.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def writes_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the tests that write: each submits the reports it acts on (a new report is
    the newest, on top of every operator's list) and changes nothing else another test reads."""
    # With kelurahan boundaries (sample squares), so that Open311 submissions that carry only
    # coordinates are routed (tests/crm_server/test_open311.py).
    boundaries = Path(__file__).parent / "crm_server" / "data" / "kelurahan-squares.geojson"
    server = ServerProcess(
        tmp_path_factory.mktemp("writes") / "crm.sqlite3", extra_args=("--kelurahan-boundaries", str(boundaries))
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def writes(writes_server: ServerProcess):
    """`writes_server` through `Api` (tests/crm_server/helpers.py): `writes.submit()` gives a
    report of the test's own; `writes.assign(...)`, `writes.detail(...)` act on it."""
    from tests.crm_server.helpers import Api

    api = Api(writes_server)
    yield api
    api.close()


@pytest.fixture
def make_server(tmp_path) -> Iterator[Callable[..., ServerProcess]]:
    """Fresh servers of the test's own, each on its own database; all stopped after the test.
    Only for tests that really need one (say why beside the call)."""
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


# --- the interface language -----------------------------------------------------------------------


@pytest.fixture
def ui_language() -> Iterator[Callable[[str], None]]:
    """`ui_language("en")`: the console's language from here on in this test (call it again to
    switch); the language it had comes back after the test. The one way tests set it."""
    from widgets.i18n import language, set_language

    previous = language()
    yield set_language
    set_language(previous)


@pytest.fixture
def english_ui(ui_language) -> None:
    """The console in English for the test. For a whole module:
    `pytestmark = pytest.mark.usefixtures("english_ui")`."""
    ui_language("en")


# --- the terminal ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see the same terminal wherever they run: one that says nothing of kitty graphics
    or sixel (a developer's kitty would otherwise change how every console test draws photos)."""
    for name in ("KITTY_WINDOW_ID", "TERM_PROGRAM", "KONSOLE_VERSION", "CRM_TUI_PHOTOS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
