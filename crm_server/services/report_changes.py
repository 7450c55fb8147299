"""The steps every write to a report shares: the transition table's verdict, the version check,
the change itself, and its history row, event and audit row (one transaction, so they commit
together or not at all)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, select, update

from crm_server.clock import now
from crm_server.errors import AuditNote, Conflict, Forbidden, PreconditionFailed, PreconditionRequired
from crm_server.lifecycle import Action, Refusal, allowed_actions, refusal
from crm_server.services import audit, events
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.services.report_reads import existing_report, load_summary
from crm_server.statuses import Status
from crm_server.storage import tallies
from crm_server.storage.schema import history, operators, reports


def forbidden(who: Principal, action: str, number: str, message: str | None = None) -> Forbidden:
    return Forbidden(message, audit=AuditNote(who.username, "denied", f"forbidden:{action}", number))


# ASCII digits only (str.isdigit() also accepts "²", which int() refuses), and few enough of them
# that int() never meets its digit limit.
_ETAG = re.compile(r'"([0-9]{1,18})"')


IF_MATCH_PATTERN = r'^\s*"[0-9]{1,18}"\s*(,\s*"[0-9]{1,18}"\s*)*$'  # one or more ETags, as GET gives them


def parse_if_match(header: str | None) -> set[int]:
    if not header:
        raise PreconditionRequired()
    tags = [_ETAG.fullmatch(tag.strip()) for tag in header.split(",")]
    if not all(tags):
        raise PreconditionRequired('If-Match must carry the report\'s ETag, e.g. "3".')
    return {int(tag.group(1)) for tag in tags if tag}


def etag(version: int) -> str:
    return f'"{version}"'


def _precondition_failed(conn: Connection, row: Row) -> PreconditionFailed:
    last = conn.execute(
        select(history.c.at, operators.c.display_name)
        .select_from(history.outerjoin(operators, history.c.actor_id == operators.c.id))
        .where(history.c.report_id == row.id)
        .order_by(history.c.id.desc())
        .limit(1)
    ).one_or_none()
    return PreconditionFailed(
        headers={"ETag": etag(row.version)},
        current_version=row.version,
        changed_by=last.display_name if last else None,
        changed_at=datetime.fromtimestamp(last.at, UTC).isoformat() if last else None,
    )


def check_version(conn: Connection, row: Row, if_match: str | None) -> None:
    if row.version not in parse_if_match(if_match):
        raise _precondition_failed(conn, row)


def authorize(
    conn: Connection, who: Principal, row: Row, action: Action, if_match: str | None, *, versioned: bool = True
) -> None:
    """The table's verdict, in the order the API answers: the role (403), then the version the
    caller saw (428, 412), then the status (409 naming what the caller may do instead), then
    the caller's relation to the report (403)."""
    is_assignee = row.assignee_id is not None and row.assignee_id == who.id
    held_by_other = row.assignee_id is not None and not is_assignee
    status = Status(row.status)
    why = refusal(action, status, who.role, is_assignee=is_assignee, held_by_other=held_by_other)
    if why is Refusal.ROLE:
        raise forbidden(who, action, row.number)
    if versioned:
        check_version(conn, row, if_match)
    if why is Refusal.STATUS:
        raise Conflict(
            f"A report in {status.label} does not allow this.",
            status=status.label,
            allowed_actions=allowed_actions(status, who.role, is_assignee=is_assignee, held_by_other=held_by_other),
        )
    if why is Refusal.NOT_ASSIGNEE:
        raise forbidden(who, action, row.number, "This report is not assigned to you.")


def apply(conn: Connection, row: Row, values: dict) -> None:
    """`UPDATE ... WHERE version = ?`: a concurrent writer that got in first makes this a 412.
    A change of status stamps `closed_at` when it closes the report and clears it otherwise; the
    dashboard's daily tallies follow the report in the same transaction."""
    at = now()
    if "status" in values:
        values = {**values, "closed_at": at if values["status"] == Status.SELESAI else None}
    result = conn.execute(
        update(reports)
        .where(reports.c.id == row.id, reports.c.version == row.version)
        .values(**values, updated_at=at, version=row.version + 1)
    )
    if result.rowcount != 1:
        raise _precondition_failed(conn, existing_report(conn, row.number))
    before = row._mapping
    tallies.record_change(conn, before, {**before, **values})


def routed(row: Row) -> dict:
    """The first routing action stamps the coordination deadline as met (or missed)."""
    return {} if row.routed_at is not None else {"routed_at": now()}


def log(
    conn: Connection,
    directory: Directory,
    who: Principal,
    row: Row,
    action: str,
    audit_action: str,
    *,
    to_status: Status | None = None,
    detail: str | None = None,
    note: str | None = None,
) -> None:
    """The history row, the event (visible where the report is now) and the audit row."""
    conn.execute(
        history.insert().values(
            report_id=row.id,
            at=now(),
            actor_id=who.id,
            action=action,
            from_status=row.status if to_status is not None else None,
            to_status=int(to_status) if to_status is not None else None,
            detail=detail,
            note=note,
        )
    )
    summary = load_summary(conn, row.id, directory)
    fresh = existing_report(conn, row.number)
    events.append(conn, action, row.id, summary, fresh.agency_path, fresh.assignee_id, actor_id=who.id)
    audit.record(conn, who.username, audit_action, "ok", row.number)
