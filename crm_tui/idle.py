"""The idle clock behind the privacy lock: when the operator last pressed a key or moved the mouse.

Monotonic time, so a clock change (NTP, daylight saving) neither locks early nor never. The app
touches it on every input event and asks `idle_for()` from a timer; tests pass their own clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MIN_CHECK_SECONDS = 0.05
MAX_CHECK_SECONDS = 5.0


class IdleClock:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()

    def touch(self) -> None:
        """Input arrived now."""
        self._last_input = self._clock()

    def idle_for(self) -> float:
        """Seconds since the last input."""
        return self._clock() - self._last_input


def check_interval(threshold_seconds: float) -> float:
    """How often to look at the clock: a few times per threshold, so the lock comes at most a
    quarter late, but not more often than needed for a threshold of minutes."""
    return min(MAX_CHECK_SECONDS, max(MIN_CHECK_SECONDS, threshold_seconds / 4))
