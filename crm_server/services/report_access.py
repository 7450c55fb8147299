"""One report as its caller may reach it: a report out of their scope is not found, and every
view of a report or its photo is audited.

The views run in the caller's write transaction, because their audit row is a write: the view
and its record commit together, or neither does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, exists, select

from crm_server import schemas
from crm_server.errors import AuditNote, Forbidden, NotFound
from crm_server.services import audit
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, handed_on_by, in_scope
from crm_server.services.report_reads import find_report, report_detail
from crm_server.storage.schema import handoffs, photos


@dataclass(frozen=True)
class StoredPhoto:
    content_type: str
    data: bytes  # re-encoded at intake: no metadata


def _handed_on(conn: Connection, who: Principal, report_id: int) -> bool:
    return bool(conn.scalar(select(exists().where(handoffs.c.report_id == report_id, handed_on_by(who)))))


def load_in_scope(conn: Connection, who: Principal, number: str, action: str, *, read: bool = False) -> Row:
    """The report, or 404 whether it is missing or outside the caller's scope (its existence is
    not revealed); the latter is audited as a denial. An agency that coordinated or disposed a
    report away still reads it (`read`), and is refused any change with a 403."""
    row = find_report(conn, number)
    if row is None:
        raise NotFound()
    if not in_scope(who, row.agency_code, row.agency_path, row.assignee_id):
        if _handed_on(conn, who, row.id):
            if read:
                return row
            raise Forbidden(
                "This report was handed on to another agency: only that agency acts on it.",
                audit=AuditNote(who.username, "denied", f"handed_on:{action}", number),
            )
        raise NotFound(audit=AuditNote(who.username, "denied", f"out_of_scope:{action}", number))
    return row


def view_report(conn: Connection, directory: Directory, who: Principal, number: str) -> schemas.Report:
    row = load_in_scope(conn, who, number, "view", read=True)
    audit.record(conn, who.username, "view", "ok", number)
    return report_detail(conn, directory, row.id, who)


def view_photo(conn: Connection, who: Principal, number: str) -> StoredPhoto:
    """403 for a private report, audited as a denial: its photo is locked for every operator."""
    row = load_in_scope(conn, who, number, "view_photo", read=True)
    if row.private:
        raise Forbidden(
            "This report is private: its photo is locked.",
            audit=AuditNote(who.username, "denied", "private_photo", number),
        )
    photo = conn.execute(select(photos.c.content_type, photos.c.data).where(photos.c.report_id == row.id)).one_or_none()
    if photo is None:
        raise NotFound("This report has no photo.")
    audit.record(conn, who.username, "view_photo", "ok", number)
    return StoredPhoto(photo.content_type, photo.data)
