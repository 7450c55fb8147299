"""The cyclic garbage collector while the console starts.

Starting allocates a great deal that stays (modules, classes, styles, the screens' widgets)
and little garbage, so the collector's passes find next to nothing: measured here, they cost
~40-80 ms of the console's start to its first list frame (one full pass alone ~50 ms). So:

- what is loaded when the console starts is frozen (kept out of every later pass; it lives as
  long as the process anyway): once per process, since a later freeze could keep garbage
  that a pass had not collected yet;
- automatic collection pauses while the console starts, and resumes at the latest
  `START_SECONDS` after, whatever the start is waiting for (a server that does not answer).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

START_SECONDS = 2.0  # the longest the collector stays paused

_frozen = False


def pause_for_start() -> Callable[[], None]:
    """Freeze what is loaded (once per process) and pause automatic collection; returns the
    call that resumes it (harmless to call again; a no-op if collection was off already)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
    if not gc.isenabled():
        return lambda: None
    gc.disable()
    return gc.enable
