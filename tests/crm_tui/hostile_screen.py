"""Checks on what the console draws when reports carry hostile text (tests/support/hostile.py)."""

from __future__ import annotations

from crm_tui.textual_internals import screen_strips
from tests.crm_tui.harness import screen_text
from tests.support.hostile import CLICK, control_characters, misaligned_rows


def links_on_screen(app) -> list[object]:
    """Actions bound to any cell on screen: a live `[@click=...]` would put one there."""
    return [
        segment.style.meta["@click"]
        for strip in screen_strips(app)
        for segment in strip
        if segment.style is not None and "@click" in (segment.style.meta or {})
    ]


async def click_every_hostile_link(pilot, app) -> int:
    """Click where each literal `[@click=app.quit]x[/]` on screen starts (where a live link's
    text would be): returns how many there were."""
    found = 0
    for y, text in enumerate(screen_text(app).splitlines()):
        x = text.find(CLICK)
        if x >= 0:
            found += 1
            await pilot.click(offset=(x + 1, y))
    return found


def toasts(app) -> str:
    """The toasts' text as drawn (a toast wraps, so the screen's lines split it)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def private_numbers(app) -> set[str]:
    """The private reports among the list's loaded rows: each must show its marker."""
    main = next((screen for screen in app.screen_stack if hasattr(screen, "window")), None)
    return {row.number for _, row in main.window.loaded_rows() if row.private} if main else set()


def assert_clean_screen(app) -> str:
    text = screen_text(app)
    assert control_characters(text) == []
    assert links_on_screen(app) == []
    assert misaligned_rows(text.splitlines(), private=private_numbers(app)) == []
    return text
