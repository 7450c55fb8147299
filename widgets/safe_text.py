"""Untrusted text made fit to draw: sanitised (crm_text) and never empty on screen."""

from __future__ import annotations

from crm_text.sanitize import clean_line, clean_text

PLACEHOLDER = "\u2014"  # what a field shows when nothing printable is left of it


def line(value: str | None, *, max_chars: int = 300) -> str:
    """One line of report text (title, name, place), safe for a cell or a label."""
    return clean_line(value or "", max_chars=max_chars) or PLACEHOLDER


def block(value: str | None, *, max_chars: int = 20_000) -> str:
    """Multi-line report text (description, note), safe for a detail pane."""
    return clean_text(value or "", max_chars=max_chars) or PLACEHOLDER
