"""The Biro Pemerintahan's word on a follow-up (accept: Selesai; reject: TL Ditolak, back to the
same officer), and reopening a Selesai report within 30 days."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from crm_server import schemas
from crm_server.clock import now
from crm_server.errors import Conflict, Unprocessable
from crm_server.lifecycle import REOPEN_WITHIN_DAYS, Action, allowed_actions
from crm_server.services import lifecycle_reads
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.services.report_access import load_in_scope
from crm_server.services.report_changes import apply, authorize, log
from crm_server.services.report_reads import report_detail
from crm_server.statuses import Resolution, Status
from crm_server.storage.schema import follow_ups
from crm_text.sanitize import clean_text


def validate(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    body: schemas.ValidateRequest,
) -> schemas.Report:
    row = load_in_scope(conn, who, number, "validate")
    authorize(conn, who, row, Action.VALIDATE, if_match)
    reason = clean_text(body.reason) if body.reason else ""
    if body.decision == "reject" and not reason:
        raise Unprocessable("A rejection needs a reason: what the officer must do again.")
    pending = conn.scalar(
        select(follow_ups.c.id)
        .where(follow_ups.c.report_id == row.id, follow_ups.c.decision.is_(None))
        .order_by(follow_ups.c.round.desc())
        .limit(1)
    )
    if pending is None:  # Menunggu Validasi is entered only by a follow-up: not reached
        raise Conflict("The report has no follow-up awaiting validation.")
    conn.execute(
        update(follow_ups)
        .where(follow_ups.c.id == pending)
        .values(decision=body.decision, decided_at=now(), validator_id=who.id, reason=reason or None)
    )
    if body.decision == "accept":
        apply(conn, row, {"status": int(Status.SELESAI), "resolution": Resolution.SELESAI})
        log(conn, directory, who, row, "accepted", "validate", to_status=Status.SELESAI, note=reason or None)
    else:
        # The officer keeps the report: they follow up again.
        apply(conn, row, {"status": int(Status.TL_DITOLAK)})
        log(conn, directory, who, row, "rejected", "validate", to_status=Status.TL_DITOLAK, note=reason)
    return report_detail(conn, directory, row.id, who)


def reopen(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    body: schemas.ReopenRequest,
) -> schemas.Report:
    """Back to Proses with its last officer (to Menunggu when it never had one)."""
    row = load_in_scope(conn, who, number, "reopen")
    authorize(conn, who, row, Action.REOPEN, if_match)
    if not lifecycle_reads.reopenable(conn, row.id):
        raise Conflict(
            f"A report is reopened within {REOPEN_WITHIN_DAYS} days of closing.",
            status=Status.SELESAI.label,
            allowed_actions=[
                a
                for a in allowed_actions(Status.SELESAI, who.role, is_assignee=False, held_by_other=False)
                if a != Action.REOPEN
            ],
        )
    reason = clean_text(body.reason)
    if not reason:
        raise Unprocessable("A reason is required.")
    status = Status.PROSES if row.assignee_id is not None else Status.MENUNGGU
    apply(conn, row, {"status": int(status), "resolution": None, "duplicate_of": None})
    log(conn, directory, who, row, "reopened", "reopen", to_status=status, note=reason)
    return report_detail(conn, directory, row.id, who)
