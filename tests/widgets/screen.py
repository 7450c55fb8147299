"""Reading what a test app shows, as text."""

from __future__ import annotations

from textual.app import App


def screen_lines(app: App) -> list[str]:
    """The screen as plain text lines, one per terminal row (what the operator reads)."""
    # The compositor is what draws the terminal; its strips are exactly the cells written.
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))
