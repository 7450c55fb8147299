"""Environment variables that would open a channel out of the console, cleared at start.

Textual reads them once, when `textual.constants` is imported: `TEXTUAL_LOG` appends everything
the app logs (worker errors with their values included) to a file; `TEXTUAL` turns on devtools
(the whole UI streamed to a socket) and debug output; `TEXTUAL_DEBUG` prints log calls to the
terminal; `TEXTUAL_DEVTOOLS_*` say where devtools connect; `TEXTUAL_SCREENSHOT*` save a picture of
the screen to disk; `TEXTUAL_PRESS` types keys; `TEXTUAL_SHOW_RETURN` prints the app's result.
So `clear_devtools_environment` must run before anything imports Textual (see `cli.main`).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

CLEARED = frozenset({"TEXTUAL", "TEXTUAL_LOG", "TEXTUAL_DEBUG", "TEXTUAL_PRESS", "TEXTUAL_SHOW_RETURN"})
CLEARED_PREFIXES = ("TEXTUAL_DEVTOOLS_", "TEXTUAL_SCREENSHOT")


def clear_devtools_environment(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Remove those variables (from `os.environ` by default); returns the names removed."""
    environ = os.environ if environ is None else environ
    names = sorted(name for name in environ if name in CLEARED or name.startswith(CLEARED_PREFIXES))
    for name in names:
        del environ[name]
    return names
