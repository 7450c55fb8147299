"""When to try again, and how long to wait: exponential backoff with full jitter, Retry-After.

Full jitter (a uniform draw between 0 and the exponential ceiling) spreads the consoles of a
whole control room apart when the server comes back, instead of having them knock together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_RETRIES = 3  # after the first try: four tries in all
INITIAL_BACKOFF_SECONDS = 0.5  # the ceiling of the first wait; it doubles per retry
MAX_BACKOFF_SECONDS = 8.0  # the ceiling never grows past this
RETRY_AFTER_CAP_SECONDS = 20.0  # a server's Retry-After is honoured up to this
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries a call gets and how long it waits between them. The event stream uses
    the same delays between reconnections, but reconnects for as long as it is iterated."""

    max_retries: int = MAX_RETRIES
    initial_backoff: float = INITIAL_BACKOFF_SECONDS
    max_backoff: float = MAX_BACKOFF_SECONDS
    retry_after_cap: float = RETRY_AFTER_CAP_SECONDS

    def backoff(self, attempt: int, *, base: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number `attempt` (0 for the first retry): a uniform draw
        in [0, min(max_backoff, base * 2**attempt)]; `base` defaults to `initial_backoff`."""
        start = self.initial_backoff if base is None else base
        ceiling = min(self.max_backoff, start * (2 ** min(attempt, 32)))
        return (rng or random).uniform(0.0, max(0.0, ceiling))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before retry `attempt`: the server's Retry-After (capped) when it sent one."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.retry_after_cap)
        return self.backoff(attempt)


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_retries=0)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP date; None if absent or
    unreadable. A date in the past gives 0. Not capped here (see `RetryPolicy.delay`)."""
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    if value.isascii() and value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
