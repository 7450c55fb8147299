"""Reading what a test app shows, as text."""

from __future__ import annotations

from textual.app import App

from crm_tui.textual_internals import screen_strips


def screen_lines(app: App) -> list[str]:
    """The screen as plain text lines, one per terminal row (what the operator reads)."""
    return [strip.text for strip in screen_strips(app)]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))
