"""Ways out of the console other than the screen: screenshots, the clipboard, Textual's log and
devtools variables, the window title, httpx's log."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.command import CommandPalette

from api_client.query import ReportQuery
from crm_tui.textual_internals import record_terminal_writes
from tests.crm_tui.harness import console, main_loaded, screen_text, type_text, until

ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("english_ui")


# --- screenshots ---------------------------------------------------------------------------------


async def test_screenshots_are_off_and_the_palette_offers_none(demo_server, tmp_path):
    async with console(demo_server) as (app, pilot):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Quit" in titles  # the palette itself stays
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        await type_text(pilot, "screenshot")
        await pilot.pause(0.5)
        assert "Save an SVG" not in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette closed")

        await app.run_action(f"screenshot('shot.svg', '{tmp_path}')")
        assert app.deliver_screenshot("again.svg", str(tmp_path)) is None
        await pilot.pause()
        assert list(tmp_path.iterdir()) == []
        assert "Screenshots are turned off" in screen_text(app)


# --- the clipboard -------------------------------------------------------------------------------


async def _show(app, pilot, private: bool) -> None:
    screen = app.screen
    screen.set_query(ReportQuery(private=private))
    await until(pilot, lambda: main_loaded(app) and screen.current.private is private, f"a private={private} report")


async def _copy_title(app, pilot) -> str:
    title = app.screen.detail.query_one("#title")
    title.text_select_all()  # as a mouse drag over it would
    await pilot.press("ctrl+c")
    await pilot.pause()
    return str(title.render())


async def test_copying_while_a_private_report_is_shown_does_nothing_and_says_so(demo_server):
    async with console(demo_server) as (app, pilot):
        written = record_terminal_writes(app)
        await _show(app, pilot, private=True)
        await _copy_title(app, pilot)
        assert app.clipboard == "" and not [w for w in written if "\x1b]52;" in w]
        assert "Not copied: a private report is on screen." in screen_text(app)
        # Text typed by the operator about that report does not get out either.
        app.copy_to_clipboard("a note about the private report")
        assert app.clipboard == ""

        await _show(app, pilot, private=False)
        title = await _copy_title(app, pilot)
        assert app.clipboard == title and [w for w in written if w.startswith("\x1b]52;c;")]


async def test_copy_private_true_in_the_config_allows_it(demo_server):
    async with console(demo_server, copy_private=True) as (app, pilot):
        await _show(app, pilot, private=True)
        title = await _copy_title(app, pilot)
        assert app.clipboard == title


async def test_nothing_is_copied_while_locked(demo_server):
    async with console(demo_server, copy_private=True) as (app, pilot):
        await pilot.press("ctrl+l")
        await until(pilot, lambda: app.locked, "the lock")
        app.copy_to_clipboard("anything")
        await type_text(pilot, "secret")  # select the password, copy it
        await pilot.press("shift+home", "ctrl+c")
        assert app.clipboard == ""


# --- Textual's log, devtools and screenshot variables; httpx's log --------------------------------

_PROBE = r"""
import json, logging, os, sys
os.environ.update(
    TEXTUAL_LOG=sys.argv[1], TEXTUAL="devtools,debug", TEXTUAL_DEBUG="1", TEXTUAL_DEVTOOLS_PORT="9",
    TEXTUAL_DEVTOOLS_HOST="198.51.100.7", TEXTUAL_SCREENSHOT="0", TEXTUAL_SCREENSHOT_LOCATION="/tmp",
    TEXTUAL_PRESS="q", TEXTUAL_SHOW_RETURN="1", TEXTUAL_THEME="nord", CRM_TUI_CONFIG=sys.argv[2],
)
from crm_tui import cli

real_run = cli._run

def probe(args, config, *rest):
    from crm_tui.app import CrmApp  # imported by the console itself, after main started

    def run(self, **kwargs):
        import textual.constants as c
        print(json.dumps({
            "log": c.LOG_FILE, "debug": c.DEBUG, "host": c.DEVTOOLS_HOST, "port": c.DEVTOOLS_PORT,
            "screenshot": c.SCREENSHOT_DELAY, "location": c.SCREENSHOT_LOCATION, "press": c.PRESS,
            "show_return": c.SHOW_RETURN, "features": sorted(self.features),
            "theme": os.environ.get("TEXTUAL_THEME"), "httpx": logging.getLogger("httpx").level,
            "idle_lock_minutes": self.config.idle_lock_minutes,
        }))

    CrmApp.run = run
    return real_run(args, config, *rest)

cli._run = probe
sys.exit(cli.main(["--idle-lock-minutes", "2.5"]))
"""


def test_textual_log_devtools_and_screenshot_variables_are_cleared_before_textual_loads(tmp_path):
    log = tmp_path / "textual.log"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(log), str(tmp_path / "absent.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "log": None,
        "debug": False,
        "host": "127.0.0.1",
        "port": 8081,
        "screenshot": -1,
        "location": None,
        "press": "",
        "show_return": False,
        "features": [],
        "theme": "nord",  # only the variables that open a channel are cleared
        "httpx": 30,  # WARNING: httpx logs full URLs at INFO
        "idle_lock_minutes": 2.5,  # the flag reaches the app
    }
    assert not log.exists()


def test_the_entry_point_loads_no_textual_before_it_clears_them():
    code = (
        "import sys, crm_tui.cli, crm_tui.crash, crm_tui.environment;"
        " print(sorted(m for m in sys.modules if m.startswith('textual')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


# --- the window title ----------------------------------------------------------------------------


def _title_assignments(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            name = getattr(target, "attr", None) or getattr(target, "id", "")
            if name in ("title", "sub_title", "TITLE", "SUB_TITLE"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_code_sets_the_title_but_the_fixed_app_title():
    sources = [p for package in ("crm_tui", "widgets") for p in sorted((ROOT / package).rglob("*.py"))]
    assignments = [found for path in sources for found in _title_assignments(path)]
    assert assignments == ["crm_tui/app.py:" + str(_app_title_line())]


def _app_title_line() -> int:
    for number, text in enumerate((ROOT / "crm_tui/app.py").read_text().splitlines(), 1):
        if text.strip() == 'TITLE = "CRM"':
            return number
    raise AssertionError("CrmApp.TITLE is not the fixed 'CRM'")
