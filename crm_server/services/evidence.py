"""Evidence photos of a follow-up: stored stripped of metadata, with their SHA-256 and a
perceptual hash, flagged when nearly the same photo is evidence on another report (the
2025-2026 incidents: one photo reused for two reports with only the date changed), and served
to the operators in the report's scope, private reports included (the officer's photos, not the
citizen's)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache

from sqlalchemy import Connection, or_, select

from crm_server.clock import now
from crm_server.errors import NotFound
from crm_server.images import CleanPhoto
from crm_server.perceptual_hash import distance, phash, to_signed, to_unsigned
from crm_server.services import audit
from crm_server.services.principal import Principal
from crm_server.services.report_access import StoredPhoto, load_in_scope
from crm_server.storage.engine import Database
from crm_server.storage.schema import evidence, reports

# Re-encoded, resized and slightly cropped copies measure 0-10 bits from their original;
# unrelated photos about 32 (rarely under 14).
SIMILAR_WITHIN = 10
BANDS = 4
BAND_BITS = 64 // BANDS
_BAND_MASK = (1 << BAND_BITS) - 1
# Within SIMILAR_WITHIN (< 12) bits, some band differs in at most 2 of its bits (pigeonhole).
_BAND_RADIUS = 2


def bands(value: int) -> list[int]:
    """The unsigned hash's four 16-bit bands, most significant first."""
    return [(value >> (BAND_BITS * (BANDS - 1 - i))) & _BAND_MASK for i in range(BANDS)]


@cache
def _flips() -> tuple[int, ...]:
    """Every mask of at most _BAND_RADIUS bits within a band (1 + 16 + 120 of them)."""
    masks = [0]
    for i in range(BAND_BITS):
        masks.append(1 << i)
        masks.extend((1 << i) | (1 << j) for j in range(i + 1, BAND_BITS))
    return tuple(masks)


def _near(band: int) -> Iterator[int]:
    return (band ^ mask for mask in _flips())


def similar_report(conn: Connection, value: int, report_id: int) -> str | None:
    """The number of another report whose evidence lies within SIMILAR_WITHIN bits of `value`
    (the nearest; the oldest report among equals), or None. Four indexed IN lists, then the
    exact distance on the few candidates."""
    wanted = bands(value)
    band_columns = [evidence.c[f"band{i}"] for i in range(BANDS)]
    # Read from the band indexes alone (they hold the hash and the report).
    rows = conn.execute(
        select(evidence.c.phash, evidence.c.report_id).where(
            or_(*(column.in_(list(_near(band))) for column, band in zip(band_columns, wanted, strict=True))),
            evidence.c.report_id != report_id,
        )
    ).all()
    best: tuple[int, int] | None = None  # (distance, report id): the nearest, the oldest report among equals
    for row in rows:
        d = distance(value, to_unsigned(row.phash))
        if d <= SIMILAR_WITHIN and (best is None or (d, row.report_id) < best):
            best = (d, row.report_id)
    if best is None:
        return None
    return conn.scalar(select(reports.c.number).where(reports.c.id == best[1]))


def store(conn: Connection, report_id: int, follow_up_id: int, photo: CleanPhoto, *, at: int | None = None) -> None:
    """`at`: the upload time (now, unless the demo seeder says when)."""
    assert photo.pixels is not None  # clean_photo always decodes
    value = phash(photo.pixels)
    conn.execute(
        evidence.insert().values(
            report_id=report_id,
            follow_up_id=follow_up_id,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            data=photo.data,
            sha256=hashlib.sha256(photo.data).hexdigest(),
            phash=to_signed(value),
            **{f"band{i}": band for i, band in enumerate(bands(value))},
            captured_at=photo.captured_at,
            uploaded_at=now() if at is None else at,
            similar_to=similar_report(conn, value, report_id),
        )
    )


def view(db: Database, who: Principal, number: str, evidence_id: int) -> StoredPhoto:
    """An evidence photo of a report in the caller's scope (or one their agency handed on),
    private or not; 404 for an id that is not this report's. Audited as a view of the report is."""
    with db.read() as conn:
        row = load_in_scope(conn, who, number, "view_evidence", read=True)
        photo = conn.execute(
            select(evidence.c.content_type, evidence.c.data).where(
                evidence.c.id == evidence_id, evidence.c.report_id == row.id
            )
        ).one_or_none()
    if photo is None:
        raise NotFound("This report has no such evidence photo.")
    audit.record_alone(db, who.username, "view_evidence", "ok", number)
    return StoredPhoto(photo.content_type, photo.data)
