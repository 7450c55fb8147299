"""The server's notion of now: one place, so tests and demo seeding can pin it."""

from __future__ import annotations

import time

DAY = 86_400
DUE_AFTER = 7 * DAY  # resolve within 7 days
RED_AFTER = 6 * DAY  # since 2025: no proper response after 6 days counts against the officer


def now() -> int:
    return int(time.time())
