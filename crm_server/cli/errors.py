"""The one way a command fails on purpose."""

from __future__ import annotations

EXIT_USAGE = 2


class CliError(Exception):
    """A one-line message for the operator."""
