"""Evidence photos for the demo's newest follow-up rounds, stored the way a follow-up stores them
(stripped, hashed, compared with all evidence before). A few rounds reuse, re-encoded, the photo
of an earlier round on another report, as the 2025-2026 incidents did: those show the flag."""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image
from sqlalchemy import Connection, select

from crm_server.clock import WIB
from crm_server.demo.photos import synthetic_photo
from crm_server.images import clean_photo
from crm_server.services import evidence
from crm_server.storage.schema import follow_ups, reports

MAX_DEMO_EVIDENCE = 60  # rounds with photos (the newest); older rounds keep their texts only
REUSE_EVERY = 12  # every 12th of those rounds reuses an earlier round's photo
_EXIF_IFD, _DATETIME_ORIGINAL = 0x8769, 0x9003
_CAPTURED_BEFORE = 1_800  # the demo officer took the photo half an hour before sending it


def _photo(seed: int, category: str, captured_at: int, quality: int = 85) -> bytes:
    """A street photo with the capture time in its EXIF, as a phone writes it (WIB, no zone)."""
    image = Image.open(io.BytesIO(synthetic_photo(seed, category)))
    exif = Image.Exif()
    exif[_EXIF_IFD] = {_DATETIME_ORIGINAL: datetime.fromtimestamp(captured_at, WIB).strftime("%Y:%m:%d %H:%M:%S")}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def add_evidence(conn: Connection, first_round_id: int, random_seed: int) -> None:
    newest = conn.execute(
        select(follow_ups.c.id, follow_ups.c.report_id, follow_ups.c.at, reports.c.category_code)
        .select_from(follow_ups.join(reports, follow_ups.c.report_id == reports.c.id))
        .where(follow_ups.c.id >= first_round_id)
        .order_by(follow_ups.c.id.desc())
        .limit(MAX_DEMO_EVIDENCE)
    ).all()
    rounds = list(reversed(newest))  # oldest first: a reused photo is found on the round before it
    for i, row in enumerate(rounds):
        seed = random_seed * 1_000_003 + 500_000 + row.id
        if i % REUSE_EVERY == REUSE_EVERY - 1 and rounds[i // 2].report_id != row.report_id:
            earlier = rounds[i // 2]
            # The same scene and capture time as the earlier round's, sent again as new.
            raw = _photo(
                random_seed * 1_000_003 + 500_000 + earlier.id, earlier.category_code, earlier.at - _CAPTURED_BEFORE, 70
            )
            photos = [raw]
        else:
            photos = [
                _photo(seed + k * 7_919, row.category_code, row.at - _CAPTURED_BEFORE) for k in range(1 + row.id % 2)
            ]
        for raw in photos:
            evidence.store(conn, row.report_id, row.id, clean_photo(raw), at=row.at)
