"""Fixed reports and a fixed clock for snapshot tests (live server data moves with time).

The dicts have the shape the server's JSON has, and go through the same parser the client uses.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from api_client.models import Report, ReportSummary, parse_json

NOW = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)  # 14:05 WIB

BUDI = {"username": "officer", "display_name": "Budi Santoso"}
SITI = {"username": "dispatcher", "display_name": "Siti Rahma"}
KEL = {"code": "JP.GAMBIR.CIDENG", "name": "Kelurahan Cideng"}

# (number, status, category name, kelurahan, created, due, assignee, private, photo, title)
_ROWS: list[tuple[Any, ...]] = [
    (
        "JK2611280003",
        "Menunggu",
        "Gangguan Air Bersih (PAM)",
        "Cakung Timur",
        "2026-11-28T05:05:00Z",
        "2026-12-05T05:05:00Z",
        None,
        True,
        "locked",
        "Air PAM mati sejak pagi",
    ),
    (
        "JK2611270012",
        "Koordinasi",
        "Jalan Berlubang",
        "Tegal Parang",
        "2026-11-27T06:25:00Z",
        "2026-12-04T06:25:00Z",
        None,
        True,
        "locked",
        "Lubang di Jl. Pondok Kelapa Raya",
    ),
    (
        "JK2611260007",
        "Proses",
        "Saluran Lingkungan Mampet",
        "Cideng",
        "2026-11-26T00:16:00Z",
        "2026-12-03T00:16:00Z",
        BUDI,
        False,
        "available",
        "Saluran mampet di Jl. Balai Pustaka",
    ),
    (
        "JK2611220004",
        "Disposisi",
        "Pohon Tumbang",
        "Menteng",
        "2026-11-22T01:00:00Z",
        "2026-11-29T01:00:00Z",
        SITI,
        True,
        "locked",
        "Pohon tumbang menutup jalan",
    ),
    (
        "JK2611190002",
        "Menunggu Validasi",
        "Lampu Penerangan Jalan Mati",
        "Kebon Kacang",
        "2026-11-19T08:00:00Z",
        "2026-11-26T08:00:00Z",
        BUDI,
        False,
        "none",
        "Lampu jalan mati",
    ),
    (
        "JK2611180001",
        "TL Ditolak",
        "Parkir Liar",
        "Gambir",
        "2026-11-18T02:00:00Z",
        "2026-11-25T02:00:00Z",
        BUDI,
        True,
        "locked",
        "Parkir liar di trotoar",
    ),
    (
        "JK2611100009",
        "Selesai",
        "Sampah Menumpuk",
        "Petojo Utara",
        "2026-11-10T03:00:00Z",
        "2026-11-17T03:00:00Z",
        SITI,
        False,
        "none",
        "Sampah menumpuk di pasar",
    ),
]

HOSTILE_TITLES = {
    "cjk": "道路の穴が危ない 漢字漢字漢字漢字漢字",
    "emoji": "Banjir 🌊🌊🌊 👨‍👩‍👧 di 🏠🏠🏠🏠🏠🏠",
    "bidi": "\u202eNAJALAJ\u202c عربي שלום mixed",
    "markup": "[@click=app.quit]klik[/] [/bold] [b]tebal[/b] [/",
    "escape": "\x1b]0;PWNED\x07judul\x1b[2J\x9b31m merah\x00",
}


def summary_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    number, status, category_name, kelurahan, created, due, assignee, private, photo, title = row
    return {
        "number": number,
        "status": status,
        "channel": "JAKI",
        "category": category_name.lower().replace(" ", "-"),
        "category_name": category_name,
        "title": title,
        "kelurahan": kelurahan,
        "kecamatan": "Gambir",
        "city": "Jakarta Pusat",
        "agency": KEL,
        "assignee": assignee,
        "private": private,
        "photo": photo,
        "created_at": created,
        "updated_at": created,
        "due_at": due,
        "version": 1,
    }


def summaries() -> list[ReportSummary]:
    return [parse_json(ReportSummary, json.dumps(summary_dict(row)), what="summary") for row in _ROWS]


def many_summaries(count: int) -> list[ReportSummary]:
    """`count` rows for a long list: the fixed rows over and over, each with a number of its own."""
    rows = []
    for n in range(count):
        data = summary_dict(_ROWS[n % len(_ROWS)])
        data["number"] = f"JK2611{count - n:06d}"  # newest first, as the list is sorted
        rows.append(parse_json(ReportSummary, json.dumps(data), what="summary"))
    return rows


def summary(index: int = 0, **changes: Any) -> ReportSummary:
    """Row `index` as the list holds it, with `changes` (e.g. `number=`, `version=`)."""
    data = summary_dict(_ROWS[index])
    data.update(changes)
    return parse_json(ReportSummary, json.dumps(data), what="summary")


def hostile_summaries() -> list[ReportSummary]:
    """One row per hostile text, carried in every text column a row shows."""
    base = summary_dict(_ROWS[0])
    rows = []
    for n, text in enumerate(HOSTILE_TITLES.values()):
        data = {
            **base,
            "number": f"JK26112800{n + 10}",
            "title": text,
            "category_name": text,
            "kelurahan": text,
            "assignee": {"username": "x", "display_name": text},
        }
        rows.append(parse_json(ReportSummary, json.dumps(data), what="summary"))
    return rows


def report_dict(row: tuple[Any, ...], *, photo_size: tuple[int, int] | None = None) -> dict[str, Any]:
    data = summary_dict(row)
    photo = data["photo"]
    data.update(
        description="Halo min, air PAM di RT 10 mati sejak pagi.\nMohon segera dicek, warga butuh air.",
        location={
            "address": "Jl. Balai Pustaka No. 74, RT 10/RW 02",
            "kelurahan": data["kelurahan"],
            "kecamatan": data["kecamatan"],
            "city": data["city"],
            "kelurahan_code": KEL["code"],
            "lat": -6.17,
            "lon": 106.81,
        },
        photo_info={
            "state": photo,
            "url": None,
            "content_type": "image/png" if photo == "available" else None,
            "width": photo_size[0] if photo_size else None,
            "height": photo_size[1] if photo_size else None,
        },
        resolution=None,
        duplicate_of=None,
        history=[
            {
                "at": data["created_at"],
                "actor": None,
                "action": "created",
                "from_status": None,
                "to_status": "Menunggu",
                "detail": "channel: JAKI",
                "note": None,
            },
            {
                "at": "2026-11-28T06:00:00Z",
                "actor": SITI,
                "action": "assigned",
                "from_status": "Menunggu",
                "to_status": data["status"],
                "detail": "to Budi Santoso",
                "note": "Tolong dicek hari ini.",
            },
        ],
        notes=[
            {"id": 1, "at": "2026-11-28T06:30:00Z", "author": BUDI, "text": "Sudah koordinasi dengan PAM Jaya."},
        ],
    )
    return data


def report(index: int, **changes: Any) -> Report:
    data = report_dict(_ROWS[index])
    data.update(changes)
    return parse_json(Report, json.dumps(data), what="report")


def private_report() -> Report:
    return report(0)


def public_report_with_photo() -> Report:
    return report(2)


def photo_png(width: int = 32, height: int = 24) -> bytes:
    """A small image with known colours: red top half, blue bottom half, a green stripe."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 30, 30))
    for y in range(height // 2, height):
        for x in range(width):
            image.putpixel((x, y), (30, 30, 200))
    for y in range(height):
        image.putpixel((width // 2, y), (30, 180, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
