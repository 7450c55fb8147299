"""Every use of Textual's private API, in one place.

Textual is pinned to the version these were read from (`textual==8.2.8` in pyproject.toml).
Each use says why no public API does it; `tests/crm_tui/test_textual_internals.py` checks that
every private name used here still exists with the shape relied on, and fails naming the one a
new Textual changed. Everything else (the console, its widgets, tests, benchmarks) uses public
API only, and reaches what is here through the names below:

- `HookedApp`: an `App` with the hooks the console needs: `frame_drawn` after each frame,
  `unexpected_error` for an exception nobody handled, `exit_now`, `write_to_terminal`;
- `Span` and `redrawn_spans`: which cells a frame writes;
- for tests and benchmarks: `screen_strips`/`screen_lines` (what the screen shows),
  `record_terminal_writes` and `key_event` (the key a typed character is).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rich.console import RenderableType
from textual._compositor import ChopsUpdate, LayoutUpdate  # a frame's updates: Textual exports no type for them
from textual.app import App
from textual.events import Key

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.strip import Strip

ReturnType = TypeVar("ReturnType")

Span = tuple[int, int, int]
"""(y, x1, x2): the cells x1 <= x < x2 of screen line y."""


def redrawn_spans(update: object, size: Size) -> list[Span]:
    """The cells a frame writes, from the compositor update Textual hands its driver; every
    cell of a screen of `size` for an update of a kind not known here (assume the worst)."""
    if isinstance(update, ChopsUpdate):
        return update.spans  # the changed spans of each line
    if isinstance(update, LayoutUpdate):
        region = update.region  # the whole region, line by line
        return [(y, region.x, region.right) for y in range(region.y, region.bottom)]
    return [(y, 0, size.width) for y in range(size.height)]


class HookedApp(App[ReturnType]):
    """An `App` with the hooks Textual keeps private: subclasses override `frame_drawn` and
    `unexpected_error` (public names), and may call `exit_now` and `write_to_terminal`."""

    def frame_drawn(self, screen: Screen, spans: list[Span]) -> None:
        """Called after each frame the app hands its driver (headless apps too), with the cells
        the frame wrote."""

    def unexpected_error(self, error: BaseException | None) -> None:
        """An exception nobody handled (in a handler, a worker, a timer); instead of Textual's
        own traceback, which prints local variables. The app exits unless this calls `exit_now`
        itself: the default prints nothing and exits with status 1, as Textual does."""
        self.exit_now(1)

    def exit_now(self, return_code: int, message: RenderableType | None = None) -> None:
        """Leave at once with `return_code`, without handling the messages already queued
        (what Textual does on an unhandled error); `message` is printed once the terminal is
        back. `exit()` would queue the exit behind every pending message."""
        self._return_code = return_code  # only `exit()` sets it, and queues the exit
        if message is not None:
            self._exit_renderables.append(message)  # only `exit()` adds to it, and queues the exit
        self._close_messages_no_wait()  # no public way to stop the message loop at once

    def write_to_terminal(self, data: str) -> None:
        """Escape sequences for the terminal itself (a photo sent to it), queued in order with
        Textual's own output; nothing when there is no terminal (headless, not started). Only
        text the console built goes here, never report text."""
        driver = self._driver  # Textual has no public way to write to the terminal
        if driver is not None and not self.is_headless:
            driver.write(data)

    # --- the private overrides behind those hooks ---------------------------------------------

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        # No public hook runs after a frame: Textual's screens hand every frame to this method.
        drawn = renderable is not None and not self._batch_count  # no public "in a batch" flag
        super()._display(screen, renderable)
        if drawn:
            self.frame_drawn(screen, redrawn_spans(renderable, screen.size))

    def _handle_exception(self, error: Exception) -> None:
        # No public hook for an unhandled exception: Textual calls this one from handlers,
        # workers and timers, and would print the error's Rich rendering or a traceback with
        # local variables (`_fatal_error`), either of which can carry report text.
        if self._exception is None:  # what `run_test` re-raises, so tests still see the failure
            self._exception = error
            self._exception_event.set()  # wakes `run_test`'s wait for the first failure
        self.unexpected_error(error)

    def _fatal_error(self) -> None:
        # Textual's traceback-with-locals; only `_handle_exception` calls it in 8.2.8, overridden
        # so that no path prints one.
        self.unexpected_error(sys.exception())


# --- for tests and benchmarks --------------------------------------------------------------------


def screen_strips(app: App) -> list[Strip]:
    """What the terminal shows, one strip (styled segments) per row."""
    # The composited screen: Textual's public API only exports it as SVG (`export_screenshot`).
    return app.screen._compositor.render_strips()


def screen_lines(app: App) -> list[str]:
    """What the terminal shows, as plain text lines, one per row."""
    return [strip.text for strip in screen_strips(app)]


def record_terminal_writes(app: App) -> list[str]:
    """Everything `app` writes to its terminal from now on, appended to the list returned (a
    headless app writes into nothing, but the writes are still made)."""
    written: list[str] = []
    driver = app._driver  # Textual has no public way to watch what it writes to the terminal
    assert driver is not None, "the app has no driver yet"
    write: Callable[[str], None] = driver.write

    def recorded(data: str) -> None:
        written.append(data)
        write(data)

    driver.write = recorded  # type: ignore[method-assign]
    return written


def key_event(character: str) -> Key:
    """The key event a keystroke of `character` becomes, named as a terminal's would be (`.` is
    `full_stop`, `?` is `question_mark`): bindings see the same key as from Pilot.press."""
    # Textual names the key of a character in a private function only.
    from textual.keys import _character_to_key

    return Key(_character_to_key(character), character)
