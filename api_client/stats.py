"""Typed views of `GET /stats`: the agency dashboard's figures over the operator's scope."""

from __future__ import annotations

from datetime import date, timedelta

from api_client.models import AgencyRef, Moment, OperatorRef, _Model


class StatsFigures(_Model):
    open: int
    red: int  # open, from the sixth day on or past the due date
    overdue: int  # open, past the due date
    waiting_late: int  # Menunggu, arrived more than 6 hours ago
    closed: int  # closed in the window (the last 30 days)
    median_close_seconds: int | None  # of those; None: none closed
    closed_on_time_share: float | None  # of those, closed by their due date (0-1); None: none closed

    @property
    def median_close(self) -> timedelta | None:
        return None if self.median_close_seconds is None else timedelta(seconds=self.median_close_seconds)


class OfficerStats(StatsFigures):
    officer: OperatorRef | None  # None: the reports assigned to nobody


class AgencyStats(StatsFigures):
    agency: AgencyRef  # its figures include its whole subtree, as the list's agency filter


class DayCount(_Model):
    day: date  # a Jakarta (WIB) calendar day
    arrivals: int
    closures: int


class Stats(_Model):
    generated_at: Moment
    window_start: Moment
    total: StatsFigures
    officers: tuple[OfficerStats, ...]
    agencies: tuple[AgencyStats, ...]
    days: tuple[DayCount, ...]  # oldest first
