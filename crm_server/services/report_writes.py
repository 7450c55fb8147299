"""Changing reports: assign, close, note. Each runs inside the caller's write transaction, so the
change, its history row, its event and its audit row commit together or not at all."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, select, update

from crm_server import schemas
from crm_server.clock import now
from crm_server.errors import AuditNote, Conflict, Forbidden, PreconditionFailed, PreconditionRequired, Unprocessable
from crm_server.roles import ROUTING_ROLES, Role
from crm_server.services import audit, events
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, path_in_scope
from crm_server.services.report_access import load_in_scope
from crm_server.services.report_reads import existing_report, find_report, load_summary, report_detail
from crm_server.statuses import ASSIGNABLE, Resolution, Status
from crm_server.storage.engine import inserted_id
from crm_server.storage.schema import agencies, history, notes, operators, reports
from crm_text.sanitize import clean_text


def _forbidden(who: Principal, action: str, number: str) -> Forbidden:
    return Forbidden(audit=AuditNote(who.username, "denied", f"forbidden:{action}", number))


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


def _check_version(conn: Connection, row: Row, if_match: str | None) -> None:
    if row.version not in parse_if_match(if_match):
        raise _precondition_failed(conn, row)


def _apply(conn: Connection, row: Row, values: dict) -> None:
    """`UPDATE ... WHERE version = ?`: a concurrent writer that got in first makes this a 412."""
    result = conn.execute(
        update(reports)
        .where(reports.c.id == row.id, reports.c.version == row.version)
        .values(**values, updated_at=now(), version=row.version + 1)
    )
    if result.rowcount != 1:
        raise _precondition_failed(conn, existing_report(conn, row.number))


def _log(
    conn: Connection,
    directory: Directory,
    who: Principal,
    row: Row,
    action: str,
    *,
    to_status: Status | None = None,
    detail: str | None = None,
    note: str | None = None,
) -> None:
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
    audit.record(conn, who.username, _AUDIT_ACTION[action], "ok", row.number)


_AUDIT_ACTION = {"assigned": "assign", "closed": "close", "noted": "note"}


def assign(
    conn: Connection, directory: Directory, who: Principal, number: str, if_match: str | None, officer: str
) -> schemas.Report:
    row = load_in_scope(conn, who, number, "assign")
    claiming = who.role is Role.OFFICER and officer == who.username
    if who.role not in ROUTING_ROLES and not claiming:
        raise _forbidden(who, "assign", number)
    _check_version(conn, row, if_match)
    if Status(row.status) not in ASSIGNABLE:
        raise Conflict("The report is closed or awaiting validation; it cannot be assigned.")
    if claiming and row.assignee_id not in (None, who.id):
        raise _forbidden(who, "assign", number)
    target = conn.execute(
        select(operators.c.id, operators.c.role, operators.c.active, agencies.c.path)
        .select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))
        .where(operators.c.username == officer)
    ).one_or_none()
    if (
        target is None
        or not target.active
        or target.role != Role.OFFICER
        or not (claiming or path_in_scope(who, target.path))
    ):
        raise Unprocessable("That officer cannot be assigned this report.")
    if row.assignee_id == target.id and row.status == Status.PROSES:
        return report_detail(conn, directory, row.id)  # already so: nothing changes
    _apply(conn, row, {"assignee_id": target.id, "status": int(Status.PROSES)})
    _log(conn, directory, who, row, "assigned", to_status=Status.PROSES, detail=f"officer: {officer}")
    return report_detail(conn, directory, row.id)


def close(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    body: schemas.CloseRequest,
) -> schemas.Report:
    row = load_in_scope(conn, who, number, "close")
    if who.role not in ROUTING_ROLES and row.assignee_id != who.id:
        raise _forbidden(who, "close", number)
    _check_version(conn, row, if_match)
    if row.status == Status.SELESAI:
        raise Conflict("The report is already closed.")
    note = clean_text(body.note)
    if not note:
        raise Unprocessable("A closing note is required.")
    duplicate_of = None
    if body.resolution == Resolution.DUPLIKAT:
        original = find_report(conn, body.duplicate_of) if body.duplicate_of else None
        if original is None or original.id == row.id:
            raise Unprocessable("A duplicate needs `duplicate_of`: the number of another existing report.")
        duplicate_of = original.number
    elif body.duplicate_of is not None:
        raise Unprocessable("`duplicate_of` goes only with the resolution `duplikat`.")
    _apply(
        conn,
        row,
        {"status": int(Status.SELESAI), "resolution": body.resolution, "duplicate_of": duplicate_of},
    )
    detail = f"resolution: {body.resolution}" + (f" ({duplicate_of})" if duplicate_of else "")
    _log(conn, directory, who, row, "closed", to_status=Status.SELESAI, detail=detail, note=note)
    return report_detail(conn, directory, row.id)


def add_note(conn: Connection, directory: Directory, who: Principal, number: str, text: str) -> schemas.Note:
    row = load_in_scope(conn, who, number, "note")
    if who.role not in ROUTING_ROLES and row.assignee_id != who.id:
        raise _forbidden(who, "note", number)
    cleaned = clean_text(text)
    if not cleaned:
        raise Unprocessable("The note is empty.")
    at = now()
    note_id = inserted_id(conn.execute(notes.insert().values(report_id=row.id, author_id=who.id, at=at, text=cleaned)))
    # A note is not a state change: the version (and so every ETag in flight) stays valid.
    conn.execute(update(reports).where(reports.c.id == row.id).values(updated_at=at))
    _log(conn, directory, who, row, "noted")
    return schemas.Note(
        id=note_id,
        at=datetime.fromtimestamp(at, UTC),
        author=schemas.OperatorRef(username=who.username, display_name=who.display_name),
        text=cleaned,
    )
