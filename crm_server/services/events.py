"""The report event log behind the SSE stream: monotonic ids, scoped per operator, replayable.
Each event names the operator who made the change (none for the intake channel), never a
reporter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Connection, Row, and_, delete, func, select, text
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.pool import ConnectionPoolEntry

from crm_server import schemas
from crm_server.clock import now
from crm_server.services.principal import Principal, in_scope
from crm_server.storage.engine import Database, inserted_id
from crm_server.storage.schema import events, operators

RETAINED_EVENTS = 100_000  # older events are pruned; a client further behind is told to resync
_PRUNE_EVERY = 1_000
BATCH = 500  # events read at a time, live and in replay
# PostgreSQL: the channel every event's transaction notifies on commit, which wakes each server
# process's reader (api/event_fanout.py). Notifications of one transaction collapse into one.
CHANNEL = "crm_events"
_NOTIFY = text(f"NOTIFY {CHANNEL}")
# Set on a connection whose transaction appended an event; this process's reader is woken when
# the connection goes back to the pool, committed (`on_appended`, api/event_fanout.py).
APPENDED = "crm_event_appended"

_actor = operators.alias("actor")


def append(
    conn: Connection,
    kind: str,
    report_id: int,
    summary: schemas.ReportSummary,
    agency_path: str,
    assignee_id: int | None,
    *,
    actor_id: int | None,
) -> int:
    """`actor_id`: the operator who made the change; None for a report the intake created."""
    event_id = inserted_id(
        conn.execute(
            events.insert().values(
                at=now(),
                type=kind,
                report_id=report_id,
                agency_path=agency_path,
                assignee_id=assignee_id,
                actor_id=actor_id,
                payload=summary.model_dump_json(),
            )
        )
    )
    conn.info[APPENDED] = True
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY)  # delivered at commit, only if the transaction commits
    if event_id % _PRUNE_EVERY == 0:
        conn.execute(delete(events).where(events.c.id <= event_id - RETAINED_EVENTS))
    return event_id


def on_appended(db: Database, wake: Callable[[], object]) -> Callable[[], None]:
    """Calls `wake` whenever a connection whose transaction appended an event goes back to the
    pool: its transaction has ended, committed (the reader finds the event) or rolled back (it
    finds nothing). Returns the way to stop."""

    def checked_in(_dbapi_conn: object, entry: ConnectionPoolEntry) -> None:
        if entry.info.pop(APPENDED, False):
            wake()

    sqlalchemy_event.listen(db.engine, "checkin", checked_in)
    return lambda: sqlalchemy_event.remove(db.engine, "checkin", checked_in)


def bounds(db: Database) -> tuple[int, int]:
    """(oldest retained id, newest id); (0, 0) when there are none."""
    with db.read() as conn:
        low, high = conn.execute(select(func.min(events.c.id), func.max(events.c.id))).one()
    return (low or 0, high or 0)


@dataclass(frozen=True)
class LoggedEvent:
    """One event as read from the log: where it is (for scope), and its SSE data, built only for
    a caller who may see it, and once however many streams send it."""

    id: int
    type: str
    at: int
    agency_path: str
    assignee_id: int | None
    _row: Row = field(repr=False, compare=False)

    def visible_to(self, who: Principal) -> bool:
        return in_scope(who, self.agency_path, self.assignee_id)

    @cached_property
    def data(self) -> str:
        """The schemas.Event as JSON."""
        r = self._row
        return schemas.Event(
            id=r.id,
            type=r.type,
            at=datetime.fromtimestamp(r.at, UTC),
            actor=schemas.OperatorRef(username=r.username, display_name=r.display_name) if r.username else None,
            report=schemas.ReportSummary.model_validate_json(r.payload),
        ).model_dump_json()


def read_after(db: Database, after: int, limit: int = BATCH, *, up_to: int | None = None) -> list[LoggedEvent]:
    """The events after `after` (to `up_to` at most), oldest first, whoever may see them: the
    caller filters by scope in memory, live and in replay alike (`LoggedEvent.visible_to`)."""
    where = events.c.id > after if up_to is None else and_(events.c.id > after, events.c.id <= up_to)
    with db.read() as conn:
        rows = conn.execute(
            select(
                events.c.id,
                events.c.type,
                events.c.at,
                events.c.agency_path,
                events.c.assignee_id,
                events.c.payload,
                _actor.c.username,
                _actor.c.display_name,
            )
            .select_from(events.outerjoin(_actor, events.c.actor_id == _actor.c.id))
            .where(where)
            .order_by(events.c.id)
            .limit(limit)
        ).all()
    return [LoggedEvent(r.id, r.type, r.at, r.agency_path, r.assignee_id, r) for r in rows]
