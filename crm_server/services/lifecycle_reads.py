"""What a report's detail shows of its lifecycle: the handoffs between agencies, each follow-up
round with its evidence and validation, and what the caller may do next."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Row, select

from crm_server import schemas
from crm_server.clock import DAY, now
from crm_server.lifecycle import REOPEN_WITHIN_DAYS, Action, allowed_actions
from crm_server.perceptual_hash import to_unsigned
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, in_scope
from crm_server.statuses import Status
from crm_server.storage.schema import evidence, follow_ups, handoffs, history, operators


def _ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _ref(username: str, display_name: str) -> schemas.OperatorRef:
    return schemas.OperatorRef(username=username, display_name=display_name)


def handoffs_of(conn: Connection, directory: Directory, report_id: int) -> list[schemas.Handoff]:
    rows = conn.execute(
        select(handoffs, operators.c.username, operators.c.display_name)
        .select_from(handoffs.join(operators, handoffs.c.actor_id == operators.c.id))
        .where(handoffs.c.report_id == report_id)
        .order_by(handoffs.c.id)
    ).all()

    def agency(code: str) -> schemas.AgencyRef:
        return schemas.AgencyRef(code=code, name=directory.agencies[code].name)

    return [
        schemas.Handoff(
            at=_ts(r.at),
            kind=r.kind,
            from_agency=agency(r.from_agency_code),
            to_agency=agency(r.to_agency_code),
            actor=_ref(r.username, r.display_name),
            note=r.note,
        )
        for r in rows
    ]


def follow_ups_of(conn: Connection, number: str, report_id: int) -> list[schemas.FollowUp]:
    officer, validator = operators.alias("officer"), operators.alias("validator")
    rounds = conn.execute(
        select(
            follow_ups,
            officer.c.username,
            officer.c.display_name,
            validator.c.username.label("validator_username"),
            validator.c.display_name.label("validator_name"),
        )
        .select_from(
            follow_ups.join(officer, follow_ups.c.officer_id == officer.c.id).outerjoin(
                validator, follow_ups.c.validator_id == validator.c.id
            )
        )
        .where(follow_ups.c.report_id == report_id)
        .order_by(follow_ups.c.round)
    ).all()
    photos: dict[int, list[schemas.Evidence]] = {}
    for e in conn.execute(
        select(*(c for c in evidence.c if c.name != "data"))
        .where(evidence.c.report_id == report_id)
        .order_by(evidence.c.id)
    ):
        photos.setdefault(e.follow_up_id, []).append(
            schemas.Evidence(
                id=e.id,
                url=f"/api/v1/reports/{number}/evidence/{e.id}",
                content_type=e.content_type,
                width=e.width,
                height=e.height,
                sha256=e.sha256,
                perceptual_hash=f"{to_unsigned(e.phash):016x}",
                captured_at=_ts(e.captured_at) if e.captured_at is not None else None,
                uploaded_at=_ts(e.uploaded_at),
                similar_to=e.similar_to,
            )
        )
    return [
        schemas.FollowUp(
            round=r.round,
            at=_ts(r.at),
            officer=_ref(r.username, r.display_name),
            response=r.response,
            note=r.note,
            evidence=photos.get(r.id, []),
            validation=(
                schemas.Validation(
                    decision=r.decision,
                    at=_ts(r.decided_at),
                    validator=_ref(r.validator_username, r.validator_name),
                    reason=r.reason,
                )
                if r.decision
                else None
            ),
        )
        for r in rounds
    ]


def closed_at(conn: Connection, report_id: int) -> int | None:
    """When the report last became Selesai (None: it never did)."""
    return conn.scalar(
        select(history.c.at)
        .where(history.c.report_id == report_id, history.c.to_status == int(Status.SELESAI))
        .order_by(history.c.id.desc())
        .limit(1)
    )


def reopenable(conn: Connection, report_id: int) -> bool:
    """Closed within the last REOPEN_WITHIN_DAYS days."""
    closed = closed_at(conn, report_id)
    return closed is not None and now() - closed <= REOPEN_WITHIN_DAYS * DAY


def actions_for(conn: Connection, viewer: Principal, row: Row) -> list[str]:
    """What the transition table lets `viewer` do; nothing to a report they only read because
    their agency handed it on; no reopening once the reopening window has passed."""
    if not in_scope(viewer, row.agency_path, row.assignee_id):
        return []
    is_assignee = row.assignee_id is not None and row.assignee_id == viewer.id
    actions = allowed_actions(
        Status(row.status),
        viewer.role,
        is_assignee=is_assignee,
        held_by_other=row.assignee_id is not None and not is_assignee,
    )
    if Action.REOPEN in actions and not reopenable(conn, row.id):
        actions.remove(Action.REOPEN)
    return actions
