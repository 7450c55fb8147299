"""The agency dashboard's figures: per officer, per sub-agency and per day, over the caller's scope.

Three queries, none of which reads a report row:
- the open and Menunggu reports each (agency, assignee) holds, from the open tallies
  (storage/tallies.py), all counted red, overdue and late at first;
- the last week's open reports by (agency, assignee), from an index holding every column read
  (ix_reports_open), which count out those not yet red, not yet overdue or not yet late;
- the window's rows of the daily tallies: per Jakarta day and (agency, assignee), the arrivals,
  the closures by the due date, and each closure's time to close, from which the medians (exact),
  the on-time shares and the closures per day are computed here.
Officers' and agencies' rows are then summed from the (agency, assignee) groups.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, case, func, literal_column, or_, select

from crm_server import schemas
from crm_server.clock import COORDINATE_AFTER, DAY, DUE_AFTER, RED_AFTER, WIB_OFFSET, now
from crm_server.roles import SUBTREE_ROLES, Role
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, subtree_range
from crm_server.services.report_reads import scope_clauses
from crm_server.statuses import Status
from crm_server.storage.schema import agencies, daily_tallies, open_tallies, operators, reports
from crm_server.storage.tallies import closure_count, decode, jakarta_day, said_of

WINDOW_DAYS = 30

Group = tuple[str, int | None]  # (agency code, assignee id)


@dataclass
class _Tally:
    open: int = 0
    red: int = 0
    overdue: int = 0
    waiting_late: int = 0
    close_seconds: list[int] = field(default_factory=list)
    on_time: int = 0

    def add(self, other: _Tally) -> None:
        self.open += other.open
        self.red += other.red
        self.overdue += other.overdue
        self.waiting_late += other.waiting_late
        self.close_seconds += other.close_seconds
        self.on_time += other.on_time

    def figures(self) -> dict[str, object]:
        closed = len(self.close_seconds)
        return {
            "open": self.open,
            "red": self.red,
            "overdue": self.overdue,
            "waiting_late": self.waiting_late,
            "closed": closed,
            "median_close_seconds": int(statistics.median(self.close_seconds)) if closed else None,
            "closed_on_time_share": self.on_time / closed if closed else None,
        }


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


def report_stats(conn: Connection, directory: Directory, who: Principal) -> schemas.Stats:
    at = now()
    scope = scope_clauses(conn, directory, who)
    first_day = jakarta_day(at) - (WINDOW_DAYS - 1)
    since = first_day * DAY - WIB_OFFSET
    tallies: defaultdict[Group, _Tally] = defaultdict(_Tally)

    # Open reports: every one counts as red and overdue, and every Menunggu one as late, then the
    # last week's are counted out where they are not. Only they can be: a due date is the arrival
    # plus DUE_AFTER (intake and seed write it so, nothing changes it), red comes sooner, and
    # Menunggu is late after hours. The list's overdue (report_reads.overdue_clause) is "open and
    # past due"; every report read here is open already, so "past due" alone says the same.
    o = open_tallies
    for agency_code, assignee_id, count, waiting in conn.execute(
        select(o.c.agency_code, o.c.assignee_id, o.c.open, o.c.waiting).where(
            o.c.open > 0, *(said_of(o, clause) for clause in scope)
        )
    ):
        tally = tallies[agency_code, assignee_id]
        tally.open = tally.red = tally.overdue = count
        tally.waiting_late = waiting
    not_overdue = reports.c.due_at >= at
    not_red = and_(reports.c.created_at > at - RED_AFTER, not_overdue)
    waiting_briefly = and_(reports.c.status == int(Status.MENUNGGU), reports.c.created_at >= at - COORDINATE_AFTER)
    # "Open" word for word as the open reports' index says it, a literal and not a parameter: only
    # then may SQLite read that partial index.
    is_open = reports.c.status != literal_column(str(int(Status.SELESAI)))
    recent_groups = conn.execute(
        select(
            reports.c.agency_code,
            reports.c.assignee_id,
            func.sum(case((not_red, 1), else_=0)),
            func.sum(case((not_overdue, 1), else_=0)),
            func.sum(case((waiting_briefly, 1), else_=0)),
        )
        .where(is_open, reports.c.created_at >= at - DUE_AFTER, *scope)
        .group_by(reports.c.agency_code, reports.c.assignee_id)
    )
    for agency_code, assignee_id, not_reds, not_overdues, brief in recent_groups:
        tally = tallies[agency_code, assignee_id]
        tally.red -= not_reds
        tally.overdue -= not_overdues
        tally.waiting_late -= brief

    # The window's arrivals and closures, from the daily tallies: a row per day and (agency,
    # assignee) holding a report, not one per report.
    arrivals: Counter[int] = Counter()
    closures: Counter[int] = Counter()
    times: defaultdict[Group, list[bytes]] = defaultdict(list)
    t = daily_tallies
    for n, agency_code, assignee_id, arrived, on_time, blob in conn.execute(
        select(t.c.day, t.c.agency_code, t.c.assignee_id, t.c.arrivals, t.c.closed_on_time, t.c.close_seconds).where(
            t.c.day >= first_day, *(said_of(t, clause) for clause in scope)
        )
    ).all():
        arrivals[n] += arrived
        if blob:  # an empty one would add an officer's row of zeros
            times[agency_code, assignee_id].append(blob)
            tallies[agency_code, assignee_id].on_time += on_time
            closures[n] += closure_count(blob)
    # Each group's times decoded at once and in order: the officers', agencies' and total's lists
    # are then a few long ordered runs, which their medians' sort merges rather than sorts.
    for group, blobs in times.items():
        tallies[group].close_seconds = sorted(decode(b"".join(blobs)))

    days = [
        schemas.DayCount(
            day=date.fromordinal(date(1970, 1, 1).toordinal() + n),
            arrivals=arrivals.get(n, 0),
            closures=closures.get(n, 0),
        )
        for n in range(first_day, first_day + WINDOW_DAYS)
    ]
    return schemas.Stats(
        generated_at=datetime.fromtimestamp(at, UTC),
        window_start=datetime.fromtimestamp(since, UTC),
        total=schemas.StatsFigures(**_sum(tallies.values()).figures()),
        officers=_officer_rows(conn, directory, who, tallies),
        agencies=_agency_rows(directory, who, tallies),
        days=days,
    )


def _by_attention(row: schemas.StatsFigures) -> tuple[int, int, int]:
    return (-row.red, -row.overdue, -row.open)


def _officer_rows(
    conn: Connection, directory: Directory, who: Principal, tallies: dict[Group, _Tally]
) -> list[schemas.OfficerStats]:
    """A row for each officer with reports in the scope, each active officer of the caller's agency
    (its subtree, for the roles that read one) even without any, and one for the unassigned."""
    by_officer: defaultdict[int | None, _Tally] = defaultdict(_Tally)
    for (_agency, assignee_id), tally in tallies.items():
        by_officer[assignee_id].add(tally)
    unassigned = by_officer.pop(None, _Tally())
    if who.role in SUBTREE_ROLES:
        low, high = subtree_range(who.agency_path)
        own = and_(agencies.c.path >= low, agencies.c.path < high)
    else:
        own = agencies.c.code == who.agency_code
    staff = conn.execute(
        select(operators.c.id, operators.c.username, operators.c.display_name)
        .select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))
        .where(
            or_(
                operators.c.id.in_(list(by_officer)),
                and_(operators.c.role == Role.OFFICER.value, operators.c.active.is_(True), own),
            )
        )
    ).all()
    rows = [
        schemas.OfficerStats(
            officer=schemas.OperatorRef(username=r.username, display_name=r.display_name),
            **by_officer[r.id].figures(),
        )
        for r in staff
    ]
    rows.sort(key=lambda row: (*_by_attention(row), row.officer.display_name if row.officer else ""))
    return [schemas.OfficerStats(officer=None, **unassigned.figures()), *rows]


def _agency_rows(directory: Directory, who: Principal, tallies: dict[Group, _Tally]) -> list[schemas.AgencyStats]:
    """Each report counts for the direct sub-agency of the caller's agency it lies under; reports
    the caller's agency holds itself, or that lie outside its subtree (an officer's assignments
    elsewhere), for their own agency."""
    by_agency: defaultdict[str, _Tally] = defaultdict(_Tally)
    for (agency_code, _assignee), tally in tallies.items():
        by_agency[_row_agency(directory, who, agency_code)].add(tally)
    rows = [
        schemas.AgencyStats(agency=schemas.AgencyRef(code=code, name=directory.agencies[code].name), **tally.figures())
        for code, tally in by_agency.items()
    ]
    rows.sort(key=lambda row: (*_by_attention(row), row.agency.name))
    return rows


def _row_agency(directory: Directory, who: Principal, agency_code: str) -> str:
    path = directory.agencies[agency_code].path
    if not path.startswith(who.agency_path) or path == who.agency_path:
        return agency_code
    child = path[len(who.agency_path) :].split("/", 1)[0]
    return child
