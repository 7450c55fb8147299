"""A fixed `GET /stats` answer for the dashboard's widget, pilot and snapshot tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api_client.models import AgencyRef, AgencyStats, DayCount, OfficerStats, OperatorRef, Stats, StatsFigures
from tests.widgets import fixtures

FIRST_DAY = date(2026, 11, 5)
MARKUP_NAME = fixtures.HOSTILE_TITLES["markup"]  # an officer's name is typed by people: shown as typed


def figures(open_: int, red: int, overdue: int, waiting: int, closed: int, median_hours: float | None) -> dict:
    return {
        "open": open_,
        "red": red,
        "overdue": overdue,
        "waiting_late": waiting,
        "closed": closed,
        "median_close_seconds": None if median_hours is None else int(median_hours * 3600),
        "closed_on_time_share": None if not closed else round(closed * 0.87) / closed,
    }


OFFICERS = (
    OfficerStats(officer=None, **figures(41, 12, 9, 7, 30, 20.5)),
    OfficerStats(officer=OperatorRef(**fixtures.BUDI), **figures(23, 9, 8, 0, 61, 101)),
    OfficerStats(officer=OperatorRef("officer2", "Rina Marlina"), **figures(17, 3, 2, 0, 58, 76)),
    OfficerStats(officer=OperatorRef("officer4", MARKUP_NAME), **figures(0, 0, 0, 0, 0, None)),
)
AGENCIES = (
    AgencyStats(agency=AgencyRef(**fixtures.KEL), **figures(81, 24, 19, 7, 149, 80)),
    AgencyStats(agency=AgencyRef("JP.GAMBIR.GAMBIR", "Kelurahan Gambir"), **figures(0, 0, 0, 0, 0, None)),
)
DAYS = tuple(
    DayCount(day=FIRST_DAY + timedelta(days=n), arrivals=40 + (n * 7) % 23, closures=25 + (n * 11) % 19)
    for n in range(30)
)
STATS = Stats(
    generated_at=datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
    window_start=datetime(2026, 11, 4, 17, 0, tzinfo=UTC),
    total=StatsFigures(**figures(81, 24, 19, 7, 149, 80)),
    officers=OFFICERS,
    agencies=AGENCIES,
    days=DAYS,
)
