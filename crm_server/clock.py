"""The server's notion of now: one place, so tests and demo seeding can pin it."""

from __future__ import annotations

import time
from datetime import timedelta, timezone

DAY = 86_400
HOUR = 3_600
WIB_OFFSET = 7 * HOUR
WIB = timezone(timedelta(seconds=WIB_OFFSET), "WIB")  # Jakarta's time: UTC+7 all year, no daylight saving
DUE_AFTER = 7 * DAY  # resolve within 7 days
COORDINATE_AFTER = 6 * HOUR  # route (assign, coordinate, dispose) within 6 hours of arrival
RED_AFTER = 6 * DAY  # since 2025: no proper response after 6 days counts against the officer


def now() -> int:
    return int(time.time())
