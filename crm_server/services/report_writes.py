"""Changing reports: assign (or claim), close directly, note. Each runs inside the caller's write
transaction, so the change, its history row, its event and its audit row commit together or not
at all. The transition table (crm_server/lifecycle.py) says who may do what from which status."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select, update

from crm_server import schemas
from crm_server.clock import now
from crm_server.errors import Unprocessable
from crm_server.lifecycle import DIRECT_RESOLUTIONS, Action
from crm_server.roles import Role
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, in_scope, path_in_scope
from crm_server.services.report_access import load_in_scope
from crm_server.services.report_changes import apply, authorize, log, routed
from crm_server.services.report_reads import find_report, report_detail
from crm_server.statuses import Resolution, Status
from crm_server.storage.engine import inserted_id
from crm_server.storage.schema import agencies, notes, operators, reports
from crm_text.sanitize import clean_text


def assign(
    conn: Connection, directory: Directory, who: Principal, number: str, if_match: str | None, officer: str
) -> schemas.Report:
    row = load_in_scope(conn, who, number, "assign")
    # An officer naming themselves claims; naming someone else, they assign, which the table
    # refuses them. Anyone else assigns (naming a non-officer, themselves too, is a 422).
    claiming = who.role is Role.OFFICER and officer == who.username
    authorize(conn, who, row, Action.CLAIM if claiming else Action.ASSIGN, if_match)
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
        return report_detail(conn, directory, row.id, who)  # already so: nothing changes
    apply(conn, row, {"assignee_id": target.id, "status": int(Status.PROSES), **routed(row)})
    log(conn, directory, who, row, "assigned", "assign", to_status=Status.PROSES, detail=f"officer: {officer}")
    return report_detail(conn, directory, row.id, who)


def close(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    body: schemas.CloseRequest,
) -> schemas.Report:
    row = load_in_scope(conn, who, number, "close")
    authorize(conn, who, row, Action.CLOSE, if_match)
    if body.resolution not in DIRECT_RESOLUTIONS:
        raise Unprocessable(
            "Resolution `selesai` comes only through validation: the officer submits a follow-up, "
            "the validator accepts it."
        )
    note = clean_text(body.note)
    if not note:
        raise Unprocessable("A closing note is required.")
    duplicate_of = None
    if body.resolution == Resolution.DUPLIKAT:
        original = find_report(conn, body.duplicate_of) if body.duplicate_of else None
        # Missing and out of the caller's scope answer alike: the answer reveals no report.
        if original is None or original.id == row.id or not in_scope(who, original.agency_path, original.assignee_id):
            raise Unprocessable("A duplicate needs `duplicate_of`: the number of another report you can see.")
        duplicate_of = original.number
    elif body.duplicate_of is not None:
        raise Unprocessable("`duplicate_of` goes only with the resolution `duplikat`.")
    apply(
        conn,
        row,
        {"status": int(Status.SELESAI), "resolution": body.resolution, "duplicate_of": duplicate_of},
    )
    detail = f"resolution: {body.resolution}" + (f" ({duplicate_of})" if duplicate_of else "")
    log(conn, directory, who, row, "closed", "close", to_status=Status.SELESAI, detail=detail, note=note)
    return report_detail(conn, directory, row.id, who)


def add_note(conn: Connection, directory: Directory, who: Principal, number: str, text: str) -> schemas.Note:
    row = load_in_scope(conn, who, number, "note")
    # A note is not a state change: no If-Match, and the version (every ETag in flight) stays valid.
    authorize(conn, who, row, Action.NOTE, None, versioned=False)
    cleaned = clean_text(text)
    if not cleaned:
        raise Unprocessable("The note is empty.")
    at = now()
    note_id = inserted_id(conn.execute(notes.insert().values(report_id=row.id, author_id=who.id, at=at, text=cleaned)))
    conn.execute(update(reports).where(reports.c.id == row.id).values(updated_at=at))
    log(conn, directory, who, row, "noted", "note")
    return schemas.Note(
        id=note_id,
        at=datetime.fromtimestamp(at, UTC),
        author=schemas.OperatorRef(username=who.username, display_name=who.display_name),
        text=cleaned,
    )
