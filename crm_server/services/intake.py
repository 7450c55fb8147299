"""The citizen channel: a new report is sanitised, routed, numbered and stored; the reporter's
identity goes to its own table and nowhere else."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import Connection, select, update

from crm_server import schemas
from crm_server.clock import DUE_AFTER, WIB, now
from crm_server.errors import PayloadTooLarge, Unprocessable
from crm_server.images import MAX_PHOTO_BYTES, CleanPhoto, clean_photo
from crm_server.reference.jakarta import CHANNELS
from crm_server.services import events, idempotency
from crm_server.services.directory import AgencyInfo, Directory
from crm_server.services.report_reads import load_summary
from crm_server.statuses import Status
from crm_server.storage import tallies
from crm_server.storage.engine import Database, inserted_id
from crm_server.storage.schema import daily_sequence, history, photos, reporters, reports
from crm_text.sanitize import MAX_TEXT_CHARS, clean_line, clean_text

TITLE_CHARS = 200
ADDRESS_CHARS = 500
_MAX_PHOTO_B64 = (MAX_PHOTO_BYTES + 2) // 3 * 4


def next_number(conn: Connection, at: int) -> str:
    """JK + YYMMDD (the Jakarta date, WIB) + a daily sequence of 4 digits (5 on a day past 9,999)."""
    day = datetime.fromtimestamp(at, WIB).strftime("%y%m%d")
    last = conn.scalars(select(daily_sequence.c.last).where(daily_sequence.c.day == day)).first()
    if last is None:
        conn.execute(daily_sequence.insert().values(day=day, last=1))
        seq = 1
    else:
        seq = last + 1
        conn.execute(update(daily_sequence).where(daily_sequence.c.day == day).values(last=seq))
    return f"JK{day}{seq:04d}"


def _decode_photo(encoded: str) -> bytes:
    if len(encoded) > _MAX_PHOTO_B64 + 4:
        raise PayloadTooLarge("The photo is larger than 5 MB.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Unprocessable("The photo is not valid base64.") from None


def submit(
    db: Database, directory: Directory, body: schemas.IntakeReport, tried: idempotency.Attempt | None = None
) -> str:
    if body.channel not in CHANNELS:
        raise Unprocessable("Unknown channel.")
    return accept(db, directory, body, body.channel, _decode_photo(body.photo) if body.photo else None, tried)


def accept(
    db: Database,
    directory: Directory,
    body: schemas.IntakeContent,
    channel: str,
    raw_photo: bytes | None,
    tried: idempotency.Attempt | None = None,
) -> str:
    """Stores a report from any citizen channel (the JSON intake, Open311); returns its number.
    A retry of `tried` (an Idempotency-Key in the intake key's scope) returns the first number."""
    if body.category not in directory.categories:
        raise Unprocessable("Unknown category (see GET /api/v1/categories).")
    if body.location.kelurahan not in directory.places:
        raise Unprocessable("Unknown kelurahan (a kelurahan code from GET /api/v1/agencies).")
    title = clean_line(body.title, max_chars=TITLE_CHARS)
    if not title:
        raise Unprocessable("The title is empty.")
    photo = clean_photo(raw_photo) if raw_photo else None  # before the write lock
    agency = directory.agency_for(body.category, body.location.kelurahan)
    # The answer of the first attempt is its number: each channel builds its answer from it.
    return idempotency.once(
        db, tried, 201, lambda conn: _store(conn, directory, body, channel, title, photo, agency)
    ).body


def _store(
    conn: Connection,
    directory: Directory,
    body: schemas.IntakeContent,
    channel: str,
    title: str,
    photo: CleanPhoto | None,
    agency: AgencyInfo,
) -> str:
    reporter = body.reporter
    at = now()
    number = next_number(conn, at)
    report_id = inserted_id(
        conn.execute(
            reports.insert().values(
                number=number,
                channel=channel,
                category_code=body.category,
                title=title,
                description=clean_text(body.description, max_chars=MAX_TEXT_CHARS),
                address=clean_line(body.location.address, max_chars=ADDRESS_CHARS),
                kelurahan_code=body.location.kelurahan,
                lat=body.location.lat,
                lon=body.location.lon,
                created_at=at,
                updated_at=at,
                due_at=at + DUE_AFTER,
                status=int(Status.MENUNGGU),
                agency_code=agency.code,
                agency_path=agency.path,
                private=body.private,
                has_photo=photo is not None,
                version=1,
            )
        )
    )
    arrival = {"created_at": at, "closed_at": None, "due_at": at + DUE_AFTER, "status": Status.MENUNGGU}
    tallies.record_arrival(conn, {**arrival, "agency_code": agency.code, "assignee_id": None})
    if reporter is not None:
        # Sanitised like every text that arrives: a NUL, say, is no identity, and PostgreSQL
        # refuses it in a text column.
        identity = {k: clean_line(v) if isinstance(v, str) else v for k, v in reporter.model_dump().items()}
        conn.execute(reporters.insert().values(report_id=report_id, **identity))
    if photo is not None:
        conn.execute(
            photos.insert().values(
                report_id=report_id,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                data=photo.data,
            )
        )
    conn.execute(
        history.insert().values(
            report_id=report_id,
            at=at,
            action="created",
            to_status=int(Status.MENUNGGU),
            detail=f"channel: {channel}",
        )
    )
    # No operator made this change, and the reporter is never anyone's actor.
    summary = load_summary(conn, report_id, directory)
    events.append(conn, "created", report_id, summary, agency.path, None, actor_id=None)
    return number
