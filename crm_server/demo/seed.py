"""Deterministic Jakarta-flavoured demo data: operators of every role and N reports.

The same seed and the same `now` give the same database. A share of the reports lands in the
demo dispatcher's own kelurahan, so the demo console has a real workload to show.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from crm_server.clock import DAY, DUE_AFTER, now as clock_now
from crm_server.demo.photos import synthetic_photo
from crm_server.demo.texts import STREETS, report_text, street_address
from crm_server.reference.jakarta import CATEGORIES, CHANNELS
from crm_server.services.accounts import add_operator
from crm_server.services.directory import Directory
from crm_server.statuses import Resolution, Status
from crm_server.storage.engine import Database
from crm_server.storage.migrations import FTS_TRIGGER_NAMES, FTS_TRIGGERS
from crm_server.storage.schema import daily_sequence, history, operators, photos, reporters, reports

HOME_KELURAHAN = "JP.GAMBIR.CIDENG"
HOME_SHARE = 0.3
JAKI_SHARE = 0.8
PRIVATE_SHARE = 0.7  # of all reports; only JAKI reports carry the privacy flag
MAX_DEMO_PHOTOS = 1_500  # the newest JAKI reports get photos; a million blobs would be gigabytes
_CHUNK = 20_000


@dataclass(frozen=True)
class DemoOperator:
    username: str
    display_name: str
    role: str
    agency: str

    @property
    def password(self) -> str:
        return f"{self.username}-demo"


DEMO_OPERATORS = (
    DemoOperator("dispatcher", "Sari Wulandari", "dispatcher", HOME_KELURAHAN),
    DemoOperator("officer", "Budi Santoso", "officer", HOME_KELURAHAN),
    DemoOperator("officer2", "Rina Marlina", "officer", HOME_KELURAHAN),
    DemoOperator("officer3", "Agus Setiawan", "officer", HOME_KELURAHAN),
    DemoOperator("supervisor", "Hendra Gunawan", "supervisor", "DKI"),
    DemoOperator("supervisor.jp", "Dewi Lestari", "supervisor", "JP"),
    DemoOperator("dispatcher.dbm", "Yusuf Hidayat", "dispatcher", "DBM.JP"),
    DemoOperator("officer.dbm", "Teguh Prasetyo", "officer", "DBM.JP"),
    DemoOperator("officer.dbm2", "Nur Aini", "officer", "DBM.JP"),
)

# Status mix by age: new reports wait, old ones are mostly done; some stay open past the deadline.
_STATUS_MIX = (
    (1, {Status.MENUNGGU: 60, Status.KOORDINASI: 10, Status.DISPOSISI: 10, Status.PROSES: 20}),
    (6, {Status.MENUNGGU: 20, Status.KOORDINASI: 5, Status.DISPOSISI: 5, Status.PROSES: 40,
         Status.MENUNGGU_VALIDASI: 15, Status.TL_DITOLAK: 5, Status.SELESAI: 10}),
    (30, {Status.MENUNGGU: 8, Status.PROSES: 15, Status.MENUNGGU_VALIDASI: 7, Status.TL_DITOLAK: 5,
          Status.SELESAI: 65}),
    (None, {Status.MENUNGGU: 3, Status.PROSES: 5, Status.SELESAI: 92}),
)
_FIRST_NAMES = ("Ahmad", "Siti", "Dedi", "Ayu", "Rudi", "Fitri", "Joko", "Lina", "Eko", "Maya", "Bambang", "Putri")
_LAST_NAMES = ("Saputra", "Rahmawati", "Kurniawan", "Hasanah", "Wijaya", "Pratama", "Susanti", "Nugroho")


def seed_operators(db: Database) -> list[DemoOperator]:
    """Adds the demo operators that are missing; returns those added."""
    with db.read() as conn:
        have = set(conn.scalars(select(operators.c.username)))
    added = []
    for op in DEMO_OPERATORS:
        if op.username not in have:
            add_operator(
                db, username=op.username, role=op.role, agency_code=op.agency, password=op.password,
                display_name=op.display_name,
            )
            added.append(op)
    return added


def _cumulative(weights):
    return list(itertools.accumulate(weights))


def _status_for(rng: random.Random, age_days: float) -> Status:
    for limit, mix in _STATUS_MIX:
        if limit is None or age_days < limit:
            return rng.choices(list(mix), weights=list(mix.values()))[0]
    raise AssertionError("unreachable")


def seed_reports(db: Database, count: int, *, random_seed: int = 1, now: int | None = None) -> int:
    """Adds `count` reports; returns how many were added."""
    rng = random.Random(random_seed)
    at_now = now if now is not None else clock_now()
    directory = Directory(db)
    with db.read() as conn:
        officer_rows = conn.execute(
            select(operators.c.id, operators.c.agency_code).where(operators.c.role == "officer")
        ).all()
        known_days = dict(conn.execute(select(daily_sequence.c.day, daily_sequence.c.last)).all())
    officers_by_agency: dict[str, list[int]] = {}
    for row in officer_rows:
        officers_by_agency.setdefault(row.agency_code, []).append(row.id)

    kelurahan = sorted(directory.places)
    categories = [c for c in CATEGORIES if c.code in directory.categories]
    cum_all = _cumulative(c.weight for c in categories)
    home_categories = [c for c in categories if c.dinas is None]
    cum_home = _cumulative(c.weight for c in home_categories)

    # Spread over enough days that the daily sequence keeps four digits (about 4,000 a day).
    span = max(90, count // 4_000 + 1) * DAY
    created = sorted(at_now - int(rng.random() * span) for _ in range(count))
    sequence = Counter()

    with db.write() as conn:
        next_id = (conn.execute(select(reports.c.id).order_by(reports.c.id.desc()).limit(1)).scalar() or 0) + 1
        fts_off = db.is_sqlite and count > 10_000
        if fts_off:  # one rebuild at the end is far cheaper than a trigger per row
            for name in FTS_TRIGGER_NAMES:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        rows, hist, idents, pics = [], [], [], []
        for i, created_at in enumerate(created):
            report_id = next_id + i
            at_home = rng.random() < HOME_SHARE
            if at_home:
                place_code = HOME_KELURAHAN
                category = home_categories[bisect.bisect(cum_home, rng.random() * cum_home[-1])]
            else:
                place_code = kelurahan[int(rng.random() * len(kelurahan))]
                category = categories[bisect.bisect(cum_all, rng.random() * cum_all[-1])]
            place = directory.places[place_code]
            agency = directory.agency_for(category.code, place_code)
            jaki = rng.random() < JAKI_SHARE
            channel = "JAKI" if jaki else CHANNELS[1 + int(rng.random() * (len(CHANNELS) - 1))]
            street = STREETS[int(rng.random() * len(STREETS))]
            title, description = report_text(rng, category, place.kelurahan, street)
            age_days = (at_now - created_at) / DAY
            status = _status_for(rng, age_days)
            day = datetime.fromtimestamp(created_at, UTC).strftime("%y%m%d")
            sequence[day] += 1
            number = f"JK{day}{known_days.get(day, 0) + sequence[day]:04d}"
            assignee = None
            staff = officers_by_agency.get(agency.code)
            if staff and status not in (Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI):
                assignee = staff[int(rng.random() * len(staff))]
            updated_at = min(at_now, created_at + int(rng.random() * min(age_days, 8) * DAY))
            closed = status is Status.SELESAI
            rows.append(
                {
                    "id": report_id,
                    "number": number,
                    "channel": channel,
                    "category_code": category.code,
                    "title": title,
                    "description": description,
                    "address": street_address(rng, street),
                    "kelurahan_code": place_code,
                    "lat": round(-6.35 + rng.random() * 0.25, 6) if jaki else None,
                    "lon": round(106.70 + rng.random() * 0.27, 6) if jaki else None,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "due_at": created_at + DUE_AFTER,
                    "status": int(status),
                    "agency_code": agency.code,
                    "agency_path": agency.path,
                    "assignee_id": assignee,
                    "private": jaki and rng.random() < PRIVATE_SHARE / JAKI_SHARE,
                    "has_photo": False,
                    "resolution": Resolution.SELESAI if closed else None,
                    "duplicate_of": None,
                    "version": 1 + (assignee is not None) + closed,
                }
            )
            hist.append(_history(report_id, created_at, None, "created", None, Status.MENUNGGU, f"channel: {channel}"))
            if assignee is not None:
                hist.append(_history(report_id, updated_at, assignee, "assigned", Status.MENUNGGU, Status.PROSES, None))
            if closed:
                hist.append(
                    _history(report_id, updated_at, assignee, "closed", Status.PROSES, Status.SELESAI,
                             "resolution: selesai", "Sudah ditindaklanjuti di lokasi.")
                )
            if jaki:
                idents.append(_reporter(rng, report_id))
            if len(rows) >= _CHUNK:
                _flush(conn, rows, hist, idents)
        _flush(conn, rows, hist, idents)

        # Photos for the newest JAKI reports only (the list is sorted by creation time).
        newest_jaki = conn.execute(
            select(reports.c.id, reports.c.category_code)
            .where(reports.c.channel == "JAKI", reports.c.id >= next_id)
            .order_by(reports.c.id.desc())
            .limit(MAX_DEMO_PHOTOS)
        ).all()
        for row in newest_jaki:
            pics.append(
                {"report_id": row.id, "content_type": "image/jpeg", "width": 320, "height": 240,
                 "data": synthetic_photo(random_seed * 1_000_003 + row.id, row.category_code)}
            )
        if pics:
            conn.execute(photos.insert(), pics)
            conn.execute(reports.update().where(reports.c.id.in_([p["report_id"] for p in pics])).values(has_photo=True))

        for day, added in sequence.items():
            if day in known_days:
                conn.execute(daily_sequence.update().where(daily_sequence.c.day == day).values(last=known_days[day] + added))
            else:
                conn.execute(daily_sequence.insert().values(day=day, last=added))
        if fts_off:
            conn.exec_driver_sql("INSERT INTO reports_fts(reports_fts) VALUES ('rebuild')")
            for ddl in FTS_TRIGGERS:
                conn.exec_driver_sql(ddl)
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return count


def _history(report_id, at, actor, action, from_status, to_status, detail, note=None) -> dict:
    return {
        "report_id": report_id,
        "at": at,
        "actor_id": actor,
        "action": action,
        "from_status": int(from_status) if from_status else None,
        "to_status": int(to_status) if to_status else None,
        "detail": detail,
        "note": note,
    }


def _reporter(rng: random.Random, report_id: int) -> dict:
    first = _FIRST_NAMES[int(rng.random() * len(_FIRST_NAMES))]
    last = _LAST_NAMES[int(rng.random() * len(_LAST_NAMES))]
    return {
        "report_id": report_id,
        "name": f"{first} {last}",
        "phone": f"08{int(rng.random() * 10**10):010d}",
        "email": f"{first.lower()}.{last.lower()}@contoh.id",
        "nik": f"3171{int(rng.random() * 10**12):012d}",
        "account": None,
    }


def _flush(conn: Connection, rows: list, hist: list, idents: list) -> None:
    if rows:
        conn.execute(reports.insert(), rows)
        conn.execute(history.insert(), hist)
    if idents:
        conn.execute(reporters.insert(), idents)
    rows.clear()
    hist.clear()
    idents.clear()
