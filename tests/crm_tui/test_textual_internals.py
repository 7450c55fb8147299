"""Canary for the private parts of Textual the console relies on (crm_tui/textual_internals.py).

Each check names the symbol, so that a new Textual that removes or reshapes one fails with
"textual X removed App._display; see crm_tui/textual_internals.py" rather than somewhere deep
in a screen test. When one fails: read that Textual's source, adapt the module, pin the new
version."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.driver import Driver
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Static

from crm_tui import textual_internals
from crm_tui.textual_internals import HookedApp, screen_lines

TEXTUAL = version("textual")
MODULE = Path(textual_internals.__file__)
ROOT = MODULE.parents[1]
SEE = "see crm_tui/textual_internals.py"


def changed(symbol: str, how: str = "removed") -> str:
    return f"textual {TEXTUAL} {how} {symbol}; {SEE}"


def assert_method(owner: type, name: str, parameters: list[str]) -> None:
    symbol = f"{owner.__name__}.{name}"
    method = getattr(owner, name, None)
    assert callable(method), changed(symbol)
    found = list(inspect.signature(method).parameters)
    assert found == parameters, changed(symbol, f"changed the parameters {parameters} to {found} of")


def assert_instance_attribute(app: App, name: str, expected: object) -> None:
    symbol = f"App.{name}"
    assert hasattr(app, name), changed(symbol)
    value = getattr(app, name)
    assert value == expected and type(value) is type(expected), changed(
        symbol, f"changed the initial value {expected!r} to {value!r} of"
    )


# --- what the module relies on -------------------------------------------------------------------

CHECKED = {
    "textual._compositor",
    "ChopsUpdate",
    "LayoutUpdate",
    "_display",
    "_batch_count",
    "_handle_exception",
    "_fatal_error",
    "_exception",
    "_exception_event",
    "_return_code",
    "_exit_renderables",
    "_close_messages_no_wait",
    "_driver",
    "_compositor",
    "_character_to_key",
}
"""Every private name the module uses; the first test keeps this list complete."""


def test_every_private_name_the_module_uses_is_checked_here() -> None:
    source = MODULE.read_text()
    code = "\n".join(line.split("#")[0] for line in source.splitlines())  # not the comments
    modules = set(re.findall(r"\b(textual(?:\.\w+)*\._\w+)", code))
    attributes = set(re.findall(r"(?:\.|def )(_[a-z]\w*)\b", code))
    imported = set(re.findall(r"from textual\._\w+ import ([\w, ]+)", code))
    names = {name.strip() for group in imported for name in group.split(",")}
    names |= set(re.findall(r"from textual(?:\.\w+)* import (_\w+)", code))  # a private name of a public module
    used = modules | attributes | names
    assert used <= CHECKED, f"not checked by this canary: {sorted(used - CHECKED)}"
    assert used >= CHECKED, f"checked but no longer used (drop them here): {sorted(CHECKED - used)}"


def test_the_compositor_updates_have_the_fields_read() -> None:
    try:
        compositor = importlib.import_module("textual._compositor")
    except ImportError:
        pytest.fail(changed("the module textual._compositor"))
    for name, fields in (("ChopsUpdate", ["chops", "spans", "chop_ends"]), ("LayoutUpdate", ["strips", "region"])):
        update = getattr(compositor, name, None)
        assert isinstance(update, type), changed(f"textual._compositor.{name}")
        assert_method(update, "__init__", ["self", *fields])


def test_the_app_methods_overridden_or_called() -> None:
    assert_method(App, "_display", ["self", "screen", "renderable"])
    assert_method(App, "_handle_exception", ["self", "error"])
    assert_method(App, "_fatal_error", ["self"])
    assert_method(App, "_close_messages_no_wait", ["self"])
    assert_method(Driver, "write", ["self", "data"])


def test_the_app_attributes_read_or_set() -> None:
    app = App()
    assert_instance_attribute(app, "_batch_count", 0)
    assert_instance_attribute(app, "_exception", None)
    assert_instance_attribute(app, "_return_code", None)
    assert_instance_attribute(app, "_exit_renderables", [])
    assert_instance_attribute(app, "_driver", None)
    assert isinstance(app._exception_event, asyncio.Event), changed("App._exception_event", "changed the type of")


# --- that Textual still goes through them ----------------------------------------------------------


class Recorder(HookedApp[None]):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[list[tuple[int, int, int]]] = []
        self.updates: list[type] = []  # what Textual hands `_display`
        self.errors: list[BaseException | None] = []

    def compose(self) -> ComposeResult:
        yield Static("first", id="text")

    def _display(self, screen: Screen, renderable: object) -> None:
        if renderable is not None:
            self.updates.append(type(renderable))
        super()._display(screen, renderable)

    def frame_drawn(self, screen: Screen, spans: list[tuple[int, int, int]]) -> None:
        self.frames.append(spans)

    def unexpected_error(self, error: BaseException | None) -> None:
        self.errors.append(error)
        super().unexpected_error(error)


async def test_frames_go_through_app_display_as_compositor_updates() -> None:
    from textual._compositor import ChopsUpdate, LayoutUpdate

    app = Recorder()
    async with app.run_test(size=(30, 6)) as pilot:
        await pilot.pause()
        assert app.frames, changed("App._display", "no longer draws frames through")
        assert screen_lines(app)[0].startswith("first"), changed("Screen._compositor.render_strips")
        assert all(isinstance(strip, Strip) for strip in textual_internals.screen_strips(app))
        app.frames.clear()
        app.query_one("#text", Static).update("again", layout=False)  # a repaint of one line
        await pilot.pause()
        assert screen_lines(app)[0].startswith("again")
        assert app.frames, changed("App._display", "no longer draws frames through")
        assert any(y == 0 for spans in app.frames for y, _, _ in spans)
    assert set(app.updates) <= {ChopsUpdate, LayoutUpdate}, changed(
        "the updates App._display is handed", f"changed ({sorted(t.__name__ for t in set(app.updates))})"
    )
    assert ChopsUpdate in app.updates, changed("ChopsUpdate", "no longer hands App._display")


async def test_an_unhandled_error_goes_through_handle_exception_and_run_test_re_raises_it() -> None:
    class Failing(Recorder):
        def on_mount(self) -> None:
            self.set_timer(0.01, self.explode)

        def explode(self) -> None:
            raise LookupError("boom")

    app = Failing()
    with pytest.raises(LookupError):  # run_test re-raises App._exception
        async with app.run_test(size=(30, 6)) as pilot:
            await pilot.pause(0.2)
    assert [type(error) for error in app.errors] == [LookupError], changed("App._handle_exception", "no longer calls")
    assert app.return_code == 1, changed("App._return_code", "no longer returns")


async def test_exit_now_prints_its_message_and_leaves_with_its_status(capsys) -> None:
    app = Recorder()
    async with app.run_test(size=(30, 6)) as pilot:
        await pilot.pause()
        app.exit_now(70, "incident 7F3K-92QD")
    assert app.return_code == 70, changed("App._return_code", "no longer returns")
    assert "incident 7F3K-92QD" in capsys.readouterr().err, changed("App._exit_renderables", "no longer prints")


async def test_terminal_writes_go_through_the_driver() -> None:
    app = Recorder()
    async with app.run_test(size=(30, 6)) as pilot:
        written = textual_internals.record_terminal_writes(app)
        app.copy_to_clipboard("copied")  # Textual's own write (OSC 52) to the terminal, headless too
        await pilot.pause()
        assert any("\x1b]52;" in data for data in written), changed("App._driver.write", "no longer writes through")


class KeyRecorder(App):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[str, str | None]] = []

    def on_key(self, event: events.Key) -> None:
        self.keys.append((event.key, event.character))


async def test_a_typed_character_is_the_key_pilot_press_sends() -> None:
    characters = "a7 .?[/:-"
    app = KeyRecorder()
    async with app.run_test() as pilot:
        await pilot.press(*characters)
        pressed, app.keys = app.keys, []
        for character in characters:
            app.post_message(textual_internals.key_event(character))
        await pilot.pause()
        assert app.keys == pressed, changed("textual.keys._character_to_key", "changed the key names of")


# --- nowhere else ----------------------------------------------------------------------------------


def test_no_other_module_reaches_into_textual_privately() -> None:
    private_module = re.compile(r"\btextual(?:\.\w+)*\._\w+")
    names = [*sorted(name for name in CHECKED if name.startswith("_")), "_notifications", "_extend_compose"]
    private_names = re.compile(r"\.(?:" + "|".join(names) + r")\b")
    offenders = []
    for folder in ("crm_tui", "widgets", "api_client", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == MODULE or path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if private_module.search(code) or private_names.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "Textual's private API outside crm_tui/textual_internals.py:\n" + "\n".join(offenders)
