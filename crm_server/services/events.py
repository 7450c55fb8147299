"""The report event log behind the SSE stream: monotonic ids, scoped per operator, replayable.
Each event names the operator who made the change (none for the intake channel), never a
reporter."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, select

from crm_server import schemas
from crm_server.clock import now
from crm_server.services.principal import Principal, scope_clause
from crm_server.storage.engine import Database, inserted_id
from crm_server.storage.schema import events, operators

RETAINED_EVENTS = 100_000  # older events are pruned; a client further behind is told to resync
_PRUNE_EVERY = 1_000

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
    if event_id % _PRUNE_EVERY == 0:
        conn.execute(delete(events).where(events.c.id <= event_id - RETAINED_EVENTS))
    return event_id


def bounds(db: Database) -> tuple[int, int]:
    """(oldest retained id, newest id); (0, 0) when there are none."""
    with db.read() as conn:
        low, high = conn.execute(select(func.min(events.c.id), func.max(events.c.id))).one()
    return (low or 0, high or 0)


def since(db: Database, who: Principal, after: int, limit: int = 500) -> list[schemas.Event]:
    with db.read() as conn:
        rows = conn.execute(
            select(events.c.id, events.c.type, events.c.at, events.c.payload, _actor.c.username, _actor.c.display_name)
            .select_from(events.outerjoin(_actor, events.c.actor_id == _actor.c.id))
            .where(events.c.id > after, scope_clause(who, events))
            .order_by(events.c.id)
            .limit(limit)
        ).all()
    return [
        schemas.Event(
            id=r.id,
            type=r.type,
            at=datetime.fromtimestamp(r.at, UTC),
            actor=schemas.OperatorRef(username=r.username, display_name=r.display_name) if r.username else None,
            report=schemas.ReportSummary.model_validate_json(r.payload),
        )
        for r in rows
    ]
