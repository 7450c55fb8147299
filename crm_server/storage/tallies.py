"""The dashboard's tallies (storage/schema.py's `daily_tallies` and `open_tallies`), kept in step
with the reports.

A report counts once as an arrival, on the Jakarta day it arrived, and, while it is Selesai, once
as a closure on the day it closed, with its time to close and whether it closed by its due date;
both under the agency and assignee that hold it now, as the report list's scope reads it. A new
report comes through intake (`record_arrival`) and every change of one through
report_changes.apply() (`record_change`), which takes the report's old share out and puts its new
one in: a close adds a closure, a reopen takes it back, a coordination moves both to the new
agency. `open_tallies` counts, likewise, the open reports each (agency, assignee) holds now and
the Menunggu among them. `rebuild` computes both tables from the reports (the migration, the seed).
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Table, select
from sqlalchemy.sql.visitors import replacement_traverse

from crm_server.clock import DAY, WIB_OFFSET
from crm_server.statuses import Status
from crm_server.storage.schema import daily_tallies, open_tallies, reports

_REPORT_COLUMNS = ("created_at", "closed_at", "due_at", "status", "agency_code", "assignee_id")
_ITEM_BYTES = array("i").itemsize  # 4 wherever CPython runs


def jakarta_day(epoch: int) -> int:
    """Days since 1970-01-01 in Jakarta (WIB), as the report numbers date a report."""
    return (epoch + WIB_OFFSET) // DAY


def closure_count(blob: bytes) -> int:
    return len(blob) // _ITEM_BYTES


def decode(blob: bytes) -> array[int]:
    seconds = array("i")
    seconds.frombytes(blob)
    if sys.byteorder == "big":
        seconds.byteswap()
    return seconds


def _encode(seconds: list[int] | array[int]) -> bytes:
    packed = array("i", seconds)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def said_of(table: Table, clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """A condition on the reports' agency_code and assignee_id (the list's scope) said of the
    columns of the same names in `table` (one of the tallies)."""

    def swap(element: Any, **_: Any) -> Any:
        return table.c[element.key] if isinstance(element, Column) and element.table is reports else None

    return replacement_traverse(clause, {}, swap)


@dataclass(frozen=True)
class _Share:
    """What one report adds to one row: an arrival, or a closure."""

    day: int
    agency_code: str
    assignee_id: int | None
    arrivals: int = 0
    close_seconds: int | None = None
    on_time: int = 0


def _shares(report: Mapping[Any, Any]) -> list[_Share]:
    holder = (report["agency_code"], report["assignee_id"])
    shares = [_Share(jakarta_day(report["created_at"]), *holder, arrivals=1)]
    closed_at = report["closed_at"]
    if closed_at is not None:
        seconds, on_time = closed_at - report["created_at"], int(closed_at <= report["due_at"])
        shares.append(_Share(jakarta_day(closed_at), *holder, close_seconds=seconds, on_time=on_time))
    return shares


@dataclass(frozen=True)
class _Held:
    """What one open report adds to its holder's row of the open tallies."""

    agency_code: str
    assignee_id: int | None
    waiting: int  # 1 while Menunggu


def _held(report: Mapping[Any, Any]) -> _Held | None:
    status = report["status"]
    if status == Status.SELESAI:
        return None
    return _Held(report["agency_code"], report["assignee_id"], int(status == Status.MENUNGGU))


def record_arrival(conn: Connection, report: Mapping[Any, Any]) -> None:
    record_change(conn, None, report)


def record_change(conn: Connection, before: Mapping[Any, Any] | None, after: Mapping[Any, Any]) -> None:
    """`before` (None for a new report) and `after` hold at least the report's columns this
    module reads (_REPORT_COLUMNS); a change that moves none of them writes nothing."""
    old, new = _shares(before) if before else [], _shares(after)
    if old != new:
        for share in old:
            _add(conn, share, -1)
        for share in new:
            _add(conn, share, 1)
    was, now_held = _held(before) if before else None, _held(after)
    if was != now_held:
        if was is not None:
            _add_held(conn, was, -1)
        if now_held is not None:
            _add_held(conn, now_held, 1)


def _add_held(conn: Connection, held: _Held, sign: int) -> None:
    o = open_tallies
    holder = (o.c.agency_code == held.agency_code, o.c.assignee_id.is_not_distinct_from(held.assignee_id))
    counts = {"open": o.c.open + sign, "waiting": o.c.waiting + sign * held.waiting}
    if conn.execute(o.update().where(*holder).values(counts)).rowcount == 0:
        conn.execute(
            o.insert().values(
                agency_code=held.agency_code, assignee_id=held.assignee_id, open=sign, waiting=sign * held.waiting
            )
        )


def _add(conn: Connection, share: _Share, sign: int) -> None:
    """An arrival is one UPDATE of its row (an INSERT the first time); a closure rewrites the row's
    times to close as well."""
    t = daily_tallies
    cell = (
        t.c.day == share.day,
        t.c.agency_code == share.agency_code,
        t.c.assignee_id.is_not_distinct_from(share.assignee_id),
    )
    counts = {
        "arrivals": t.c.arrivals + sign * share.arrivals,
        "closed_on_time": t.c.closed_on_time + sign * share.on_time,
    }
    if share.close_seconds is None:
        if conn.execute(t.update().where(*cell).values(counts)).rowcount == 0:
            conn.execute(t.insert().values(_fresh(share, sign, [])))
        return
    row = conn.execute(select(t.c.id, t.c.close_seconds).where(*cell)).first()
    seconds = list(decode(row.close_seconds)) if row else []
    if sign > 0:
        bisect.insort(seconds, share.close_seconds)
    elif share.close_seconds in seconds:  # always, unless the table was edited by hand
        seconds.remove(share.close_seconds)
    if row is None:
        conn.execute(t.insert().values(_fresh(share, sign, seconds)))
    else:
        conn.execute(t.update().where(t.c.id == row.id).values({**counts, "close_seconds": _encode(seconds)}))


def _fresh(share: _Share, sign: int, seconds: list[int]) -> dict[str, Any]:
    return {
        "day": share.day,
        "agency_code": share.agency_code,
        "assignee_id": share.assignee_id,
        "arrivals": sign * share.arrivals,
        "closed_on_time": sign * share.on_time,
        "close_seconds": _encode(seconds),
    }


def rebuild(conn: Connection) -> None:
    """Every report's shares, summed afresh (a database made before the tables, and the seed)."""
    cells: dict[tuple[int, str, int | None], tuple[list[int], list[int]]] = {}
    holders: dict[tuple[str, int | None], list[int]] = {}
    for row in conn.execute(select(*(reports.c[name] for name in _REPORT_COLUMNS))):
        held = _held(row._mapping)
        if held is not None:
            counts = holders.setdefault((held.agency_code, held.assignee_id), [0, 0])
            counts[0] += 1
            counts[1] += held.waiting
        for share in _shares(row._mapping):
            counts, seconds = cells.setdefault((share.day, share.agency_code, share.assignee_id), ([0, 0], []))
            counts[0] += share.arrivals
            counts[1] += share.on_time
            if share.close_seconds is not None:
                seconds.append(share.close_seconds)
    conn.execute(daily_tallies.delete())
    rows = [
        {
            "day": day,
            "agency_code": agency_code,
            "assignee_id": assignee_id,
            "arrivals": arrivals,
            "closed_on_time": on_time,
            "close_seconds": _encode(sorted(seconds)),
        }
        for (day, agency_code, assignee_id), ([arrivals, on_time], seconds) in cells.items()
    ]
    for start in range(0, len(rows), 10_000):
        conn.execute(daily_tallies.insert(), rows[start : start + 10_000])
    conn.execute(open_tallies.delete())
    if holders:
        conn.execute(
            open_tallies.insert(),
            [
                {"agency_code": agency_code, "assignee_id": assignee_id, "open": count, "waiting": waiting}
                for (agency_code, assignee_id), (count, waiting) in holders.items()
            ],
        )
