"""KeyFooter: the same keys as Textual's footer, rebuilt only when what it shows changes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tests.widgets.screen import screen_text
from widgets.key_footer import KeyFooter


class FooterHost(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "assign", "Assign", id="host.assign"),
        Binding("c", "close", "Close"),
        Binding("x", "hidden", "Hidden", show=False),
    ]

    ENABLE_COMMAND_PALETTE = False
    closable = True

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown, but greyed out (False would hide it)
        return (True if self.closable else None) if action == "close" else True


def key_widgets(app: App[None]) -> list[object]:
    return list(app.query_one(KeyFooter).query("FooterKey"))


async def test_a_refresh_that_changes_nothing_keeps_the_keys_built() -> None:
    app = FooterHost()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        built = key_widgets(app)
        assert len(built) == 2 and "Assign" in screen_text(app) and "Close" in screen_text(app)
        for _ in range(3):
            app.refresh_bindings()
            await pilot.pause()
        assert key_widgets(app) == built  # the same widgets: nothing was rebuilt


async def test_a_key_that_stops_applying_is_greyed_out_and_comes_back() -> None:
    app = FooterHost()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        app.closable = False
        app.refresh_bindings()
        await pilot.pause()
        close = next(key for key in app.query_one(KeyFooter).query("FooterKey") if key.action == "close")
        assert close.has_class("-disabled")
        app.closable = True
        app.refresh_bindings()
        await pilot.pause()
        close = next(key for key in app.query_one(KeyFooter).query("FooterKey") if key.action == "close")
        assert not close.has_class("-disabled")


async def test_a_remapped_key_is_shown_with_its_new_key() -> None:
    app = FooterHost()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        app.set_keymap({"host.assign": "g"})
        await pilot.pause()
        keys = {key.action: key.key for key in app.query_one(KeyFooter).query("FooterKey")}
        assert keys["assign"] == "g"
