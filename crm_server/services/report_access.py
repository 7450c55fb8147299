"""One report as its caller may reach it: a report out of their scope is not found, and every
view of a report or its photo is audited.

A view reads in a read transaction, then appends its audit row in a short transaction of its
own (`audit.record_alone`), which on PostgreSQL takes no write lock: views do not queue behind
the writes of the city. A view whose row cannot be written is not answered: the failure is the
answer (a 503).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, exists, select

from crm_server import schemas
from crm_server.errors import AuditNote, Forbidden, NotFound
from crm_server.services import audit
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, handed_on_by, in_scope
from crm_server.services.report_reads import report_detail
from crm_server.storage.engine import Database
from crm_server.storage.schema import handoffs, photos, reports


@dataclass(frozen=True)
class StoredPhoto:
    content_type: str
    data: bytes  # re-encoded at intake: no metadata


def _find_for(conn: Connection, who: Principal, number: str) -> Row | None:
    """The report, and whether the caller's agency handed it on, in one statement: a missing
    number and one out of scope then cost the same work (no second query for the latter)."""
    handed_on = exists().where(handoffs.c.report_id == reports.c.id, handed_on_by(who)).label("handed_on_by_caller")
    return conn.execute(select(reports, handed_on).where(reports.c.number == number)).one_or_none()


def load_in_scope(conn: Connection, who: Principal, number: str, action: str, *, read: bool = False) -> Row:
    """The report, or 404 whether it is missing or outside the caller's scope (its existence is
    not revealed). Both are audited as denials, with the same write: had only the out-of-scope
    404 written its row, it would answer measurably slower than a missing report's, and timing
    alone would tell which numbers exist in another agency. An agency that coordinated or
    disposed a report away still reads it (`read`), and is refused any change with a 403."""
    row = _find_for(conn, who, number)
    if row is None:
        raise NotFound(audit=AuditNote(who.username, "denied", f"not_found:{action}", number))
    if not in_scope(who, row.agency_path, row.assignee_id):
        if row.handed_on_by_caller:
            if read:
                return row
            raise Forbidden(
                "This report was handed on to another agency: only that agency acts on it.",
                audit=AuditNote(who.username, "denied", f"handed_on:{action}", number),
            )
        raise NotFound(audit=AuditNote(who.username, "denied", f"out_of_scope:{action}", number))
    return row


def view_report(db: Database, directory: Directory, who: Principal, number: str) -> schemas.Report:
    with db.read() as conn:
        row = load_in_scope(conn, who, number, "view", read=True)
        report = report_detail(conn, directory, row.id, who)
    audit.record_alone(db, who.username, "view", "ok", number)
    return report


def view_photo(db: Database, who: Principal, number: str) -> StoredPhoto:
    """403 for a private report, audited as a denial: its photo is locked for every operator."""
    with db.read() as conn:
        row = load_in_scope(conn, who, number, "view_photo", read=True)
        if row.private:
            raise Forbidden(
                "This report is private: its photo is locked.",
                audit=AuditNote(who.username, "denied", "private_photo", number),
            )
        photo = conn.execute(
            select(photos.c.content_type, photos.c.data).where(photos.c.report_id == row.id)
        ).one_or_none()
    if photo is None:
        raise NotFound("This report has no photo.")
    audit.record_alone(db, who.username, "view_photo", "ok", number)
    return StoredPhoto(photo.content_type, photo.data)
