"""The assigned officer's follow-up (tindak lanjut): a public response, an internal note and 1-4
evidence photos; the report waits for validation."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from crm_server import schemas
from crm_server.clock import now
from crm_server.errors import Unprocessable
from crm_server.images import CleanPhoto
from crm_server.lifecycle import Action
from crm_server.services import evidence
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.services.report_access import load_in_scope
from crm_server.services.report_changes import apply, authorize, log
from crm_server.services.report_reads import report_detail
from crm_server.statuses import Status
from crm_server.storage.engine import inserted_id
from crm_server.storage.schema import follow_ups
from crm_text.sanitize import clean_text

MIN_PHOTOS, MAX_PHOTOS = 1, 4
RESPONSE_CHARS = 5_000


def submit(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    response: str,
    note: str | None,
    photos: list[CleanPhoto],
) -> schemas.Report:
    """`photos` are already cleaned (outside the write lock: decoding takes time)."""
    row = load_in_scope(conn, who, number, "follow_up")
    authorize(conn, who, row, Action.FOLLOW_UP, if_match)
    public = clean_text(response, max_chars=RESPONSE_CHARS)
    if not public:
        raise Unprocessable("The response (what the reporter reads) is required.")
    if not MIN_PHOTOS <= len(photos) <= MAX_PHOTOS:
        raise Unprocessable("A follow-up carries 1 to 4 evidence photos.")
    internal = clean_text(note) if note else None
    last_round = conn.scalar(select(func.max(follow_ups.c.round)).where(follow_ups.c.report_id == row.id)) or 0
    follow_up_id = inserted_id(
        conn.execute(
            follow_ups.insert().values(
                report_id=row.id,
                round=last_round + 1,
                at=now(),
                officer_id=who.id,
                response=public,
                note=internal or None,
            )
        )
    )
    for photo in photos:
        evidence.store(conn, row.id, follow_up_id, photo)
    apply(conn, row, {"status": int(Status.MENUNGGU_VALIDASI)})
    log(
        conn,
        directory,
        who,
        row,
        "followed_up",
        "follow_up",
        to_status=Status.MENUNGGU_VALIDASI,
        detail=f"round {last_round + 1}: {len(photos)} photo(s)",
        note=internal or None,
    )
    return report_detail(conn, directory, row.id, who)
