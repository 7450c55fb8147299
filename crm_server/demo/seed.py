"""Deterministic Jakarta-flavoured demo data: operators of every role and N reports.

The same seed and the same `now` give the same database. A share of the reports lands in the
demo dispatcher's own kelurahan, so the demo console has a real workload to show.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Table, func, select

from crm_server.clock import DAY, DUE_AFTER, WIB, WIB_OFFSET
from crm_server.clock import now as clock_now
from crm_server.demo.evidence import add_evidence
from crm_server.demo.journeys import ROUTE_DINAS, Journey, Staff, journey
from crm_server.demo.photos import synthetic_photo
from crm_server.demo.texts import STREETS, report_text, street_address
from crm_server.reference.agency_tree import ROOT_CODE
from crm_server.reference.jakarta import CATEGORIES, CHANNELS
from crm_server.roles import Role
from crm_server.services.accounts import add_operator
from crm_server.services.directory import AgencyInfo, Directory
from crm_server.statuses import Status
from crm_server.storage import fts, tallies, trigram
from crm_server.storage.engine import Database, unwatched
from crm_server.storage.schema import (
    daily_sequence,
    follow_ups,
    handoffs,
    history,
    operators,
    photos,
    reporters,
    reports,
)

HOME_KELURAHAN = "JP.GAMBIR.CIDENG"
HOME_CITY = "JP"
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
    DemoOperator("validator", "Ratna Kusuma", "validator", "DKI"),  # the Biro Pemerintahan
    DemoOperator("observer", "Irfan Maulana", "observer", "JP"),
)

# Status mix by age: new reports wait, old ones are mostly done; some stay open past the deadline.
_STATUS_MIX = (
    (1, {Status.MENUNGGU: 60, Status.KOORDINASI: 10, Status.DISPOSISI: 10, Status.PROSES: 20}),
    (
        6,
        {
            Status.MENUNGGU: 20,
            Status.KOORDINASI: 5,
            Status.DISPOSISI: 5,
            Status.PROSES: 40,
            Status.MENUNGGU_VALIDASI: 15,
            Status.TL_DITOLAK: 5,
            Status.SELESAI: 10,
        },
    ),
    (
        30,
        {Status.MENUNGGU: 8, Status.PROSES: 15, Status.MENUNGGU_VALIDASI: 7, Status.TL_DITOLAK: 5, Status.SELESAI: 65},
    ),
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
                db,
                username=op.username,
                role=op.role,
                agency_code=op.agency,
                password=op.password,
                display_name=op.display_name,
            )
            added.append(op)
    return added


class _Mix:
    """One age band's status weights, drawn exactly as `random.choices` draws them."""

    __slots__ = ("cum_weights", "hi", "limit", "population", "total")

    def __init__(self, limit: int | None, mix: dict[Status, int]) -> None:
        self.limit = limit
        self.population = list(mix)
        self.cum_weights = list(itertools.accumulate(mix.values()))
        self.total = self.cum_weights[-1] + 0.0
        self.hi = len(self.population) - 1

    def draw(self, rng: random.Random) -> Status:
        return self.population[bisect.bisect(self.cum_weights, rng.random() * self.total, 0, self.hi)]


_MIXES = tuple(_Mix(limit, mix) for limit, mix in _STATUS_MIX)
_FOLLOWED_UP = frozenset({Status.PROSES, Status.MENUNGGU_VALIDASI, Status.TL_DITOLAK})

# Column orders of the rows the generator yields (tuples: no per-row dicts at a million rows).
REPORT_COLUMNS = (
    "id",
    "number",
    "channel",
    "category_code",
    "title",
    "description",
    "address",
    "kelurahan_code",
    "lat",
    "lon",
    "created_at",
    "updated_at",
    "due_at",
    "status",
    "agency_code",
    "agency_path",
    "assignee_id",
    "private",
    "has_photo",
    "resolution",
    "duplicate_of",
    "version",
    "routed_at",
    "closed_at",
)
HISTORY_COLUMNS = ("report_id", "at", "actor_id", "action", "from_status", "to_status", "detail", "note")
REPORTER_COLUMNS = ("report_id", "name", "phone", "email", "nik", "account")
HANDOFF_COLUMNS = (
    "report_id",
    "at",
    "kind",
    "from_agency_code",
    "from_agency_path",
    "to_agency_code",
    "actor_id",
    "note",
)
FOLLOW_UP_COLUMNS = (
    "id",
    "report_id",
    "round",
    "at",
    "officer_id",
    "response",
    "note",
    "decision",
    "decided_at",
    "validator_id",
    "reason",
)

BULK_THRESHOLD = 10_000  # above this, indexes and the FTS index are built once, after the rows


def _status_for(rng: random.Random, age_days: float) -> Status:
    for mix in _MIXES:
        if mix.limit is None or age_days < mix.limit:
            return mix.draw(rng)
    raise AssertionError("unreachable")


@dataclass
class _Chunk:
    reports: list[tuple] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)
    reporters: list[tuple] = field(default_factory=list)
    handoffs: list[tuple] = field(default_factory=list)
    follow_ups: list[tuple] = field(default_factory=list)


def _generate(
    rng: random.Random,
    directory: Directory,
    created: list[int],
    first_id: int,
    at_now: int,
    staff: Staff,
    known_days: dict[str, int],
    sequence: Counter,
    first_follow_up_id: int,
) -> Iterator[_Chunk]:
    """The reports in creation order, `_CHUNK` at a time, with their history (the journey each
    took through the transition table), handoffs, follow-up rounds and reporters.

    Every draw from `rng` happens in a fixed order, so a seed always yields the same data."""
    kelurahan = sorted(directory.places)
    categories = [c for c in CATEGORIES if c.code in directory.categories]
    cum_all = list(itertools.accumulate(c.weight for c in categories))
    home_categories = [c for c in categories if c.dinas is None]
    cum_home = list(itertools.accumulate(c.weight for c in home_categories))
    places = directory.places
    agency_for = directory.agency_for
    central = [code for code in kelurahan if code.startswith(f"{HOME_CITY}.")]
    road_categories = [c for c in categories if c.dinas == ROUTE_DINAS]
    r = rng.random
    bisect_right = bisect.bisect
    n_kel, n_streets, n_other = len(kelurahan), len(STREETS), len(CHANNELS) - 1
    jaki_private = PRIVATE_SHARE / JAKI_SHARE
    menunggu = int(Status.MENUNGGU)
    agencies = directory.agencies
    days: dict[int, str] = {}  # WIB day number -> YYMMDD
    follow_up_id = first_follow_up_id
    # The statuses and journeys draw from a stream of their own: the reports themselves (places,
    # categories, texts) stay what the same seed always gave.
    walks = random.Random(rng.random())

    chunk = _Chunk()
    for i, created_at in enumerate(created):
        report_id = first_id + i
        if r() < HOME_SHARE:
            place_code = HOME_KELURAHAN
            category = home_categories[bisect_right(cum_home, r() * cum_home[-1])]
        else:
            place_code = kelurahan[int(r() * n_kel)]
            category = categories[bisect_right(cum_all, r() * cum_all[-1])]
        agency = agency_for(category.code, place_code)
        age_days = (at_now - created_at) / DAY
        goal = _status_for(walks, age_days)
        if goal in _FOLLOWED_UP and agency.code not in staff.officers:
            # Nobody there to follow it up: a road report in Jakarta Pusat instead, whose Suku
            # Dinas has officers (the home kelurahan's list keeps its size).
            place_code = central[int(walks.random() * len(central))]
            category = road_categories[int(walks.random() * len(road_categories))]
            agency = agency_for(category.code, place_code)
        place = places[place_code]
        jaki = r() < JAKI_SHARE
        channel = "JAKI" if jaki else CHANNELS[1 + int(r() * n_other)]
        street = STREETS[int(r() * n_streets)]
        title, description = report_text(rng, category, place.kelurahan, street)
        day_number = (created_at + WIB_OFFSET) // DAY
        day = days.get(day_number)
        if day is None:
            day = days[day_number] = datetime.fromtimestamp(created_at, WIB).strftime("%y%m%d")
        sequence[day] += 1
        number = f"JK{day}{known_days.get(day, 0) + sequence[day]:04d}"
        path = journey(walks, directory, staff, agency, agencies[place_code], goal)
        updated_at = min(at_now, created_at + int(r() * min(age_days, 8) * DAY))
        address = street_address(rng, street)
        lat = round(-6.35 + r() * 0.25, 6) if jaki else None
        lon = round(106.70 + r() * 0.27, 6) if jaki else None
        private = jaki and r() < jaki_private
        chunk.history.append((report_id, created_at, None, "created", None, menunggu, f"channel: {channel}", None))
        follow_up_id, routed_at = _steps(chunk, report_id, created_at, updated_at, path, agencies, follow_up_id)
        chunk.reports.append(
            (
                report_id,
                number,
                channel,
                category.code,
                title,
                description,
                address,
                place_code,
                lat,
                lon,
                created_at,
                updated_at,
                created_at + DUE_AFTER,
                int(path.status),
                path.agency.code,
                path.agency.path,
                path.assignee,
                private,
                False,
                path.resolution,
                None,
                1 + len(path.steps),
                routed_at,
                updated_at if path.status is Status.SELESAI else None,  # the close is the last step
            )
        )
        if jaki:
            chunk.reporters.append(_reporter(rng, report_id))
        if len(chunk.reports) >= _CHUNK:
            yield chunk
            chunk = _Chunk()
    yield chunk


def _steps(
    chunk: _Chunk,
    report_id: int,
    created_at: int,
    updated_at: int,
    path: Journey,
    agencies: dict[str, AgencyInfo],
    follow_up_id: int,
) -> tuple[int, int | None]:
    """The rows each step of the journey writes, spread evenly between arrival and last change;
    returns the next follow-up id and when the report was first routed."""
    count = len(path.steps)
    rounds: list[list] = []
    routed_at = None
    for i, step in enumerate(path.steps, start=1):
        at = created_at + (updated_at - created_at) * i // (count + 1) if i < count else updated_at
        detail = step.detail
        if routed_at is None and step.action in _ROUTING_STEPS:
            routed_at = at
        if step.handoff is not None:
            kind, source, target = step.handoff
            chunk.handoffs.append((report_id, at, kind, source, agencies[source].path, target, step.actor, step.note))
        if step.follow_up is not None:
            rounds.append(
                [follow_up_id, report_id, len(rounds) + 1, at, step.actor, step.follow_up, None, None, None, None, None]
            )
            detail = f"round {len(rounds)}"
            follow_up_id += 1
        if step.decision is not None:
            rounds[-1][7:11] = [step.decision[0], at, step.actor, step.decision[1]]
        to_status = int(step.to_status) if step.to_status is not None else None
        chunk.history.append(
            (report_id, at, step.actor, step.action, int(step.from_status), to_status, detail, step.note)
        )
    chunk.follow_ups.extend(tuple(row) for row in rounds)
    return follow_up_id, routed_at


_ROUTING_STEPS = frozenset({"assigned", "coordinated", "disposed"})


class _Inserter:
    """Inserts rows given as tuples in a fixed column order, the fastest way each database has.

    On SQLite the rows go straight to the DB-API's `executemany` with the INSERT that SQLAlchemy
    compiled for the table (per-row parameter processing in Core costs more than SQLite's own work
    at a million rows). On PostgreSQL they go through COPY: `executemany` sends one INSERT per row
    (100,000 reports seeded in 197 s that way, in 114 s by COPY)."""

    def __init__(self, conn: Connection, table: Table, columns: tuple[str, ...]) -> None:
        self.conn = conn
        self.postgresql = conn.dialect.name == "postgresql"
        if self.postgresql:
            quote = conn.dialect.identifier_preparer.quote
            self.sql = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
        else:
            compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(columns))
            if tuple(compiled.positiontup or ()) != columns:
                raise AssertionError(f"{table.name}: columns {columns} do not match {compiled.positiontup}")
            self.sql = str(compiled)

    def __call__(self, rows: list[tuple]) -> None:
        if not rows:
            return
        cursor = self.conn.connection.cursor()
        try:
            if self.postgresql:
                with cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        finally:
            cursor.close()


@contextmanager
def _bulk_load(conn: Connection, db: Database) -> Iterator[None]:
    """Inside: the secondary indexes on reports and history are gone and the text-search index
    (FTS5 on SQLite, pg_trgm on PostgreSQL) is not kept up to date, so a row updates only its
    table and unique keys. On the way out each index is built once, by sorting. On failure the
    transaction's rollback restores them."""
    indexes = [*reports.indexes, *history.indexes]
    with fts.bulk_load(conn) if db.is_sqlite else trigram.bulk_load(conn):
        for index in indexes:
            index.drop(conn, checkfirst=True)
        yield
        for index in indexes:
            index.create(conn, checkfirst=True)


def seed_reports(db: Database, count: int, *, random_seed: int = 1, now: int | None = None) -> int:
    """Adds `count` reports; returns how many were added."""
    rng = random.Random(random_seed)
    at_now = now if now is not None else clock_now()
    directory = Directory(db)
    with db.read() as conn:
        staff = _staff(conn)
        known_days = dict(conn.execute(select(daily_sequence.c.day, daily_sequence.c.last)).all())

    # Spread over enough days that the daily sequence keeps four digits (about 4,000 a day).
    span = max(90, count // 4_000 + 1) * DAY
    created = sorted(at_now - int(rng.random() * span) for _ in range(count))
    sequence: Counter = Counter()

    with db.bulk_write() if count > BULK_THRESHOLD else db.write() as conn:
        next_id = (conn.execute(select(func.max(reports.c.id))).scalar() or 0) + 1
        next_round = (conn.execute(select(func.max(follow_ups.c.id))).scalar() or 0) + 1
        with _bulk_load(conn, db) if count > BULK_THRESHOLD else contextlib.nullcontext():
            inserts = [
                (_Inserter(conn, reports, REPORT_COLUMNS), "reports"),
                (_Inserter(conn, history, HISTORY_COLUMNS), "history"),
                (_Inserter(conn, reporters, REPORTER_COLUMNS), "reporters"),
                (_Inserter(conn, handoffs, HANDOFF_COLUMNS), "handoffs"),
                (_Inserter(conn, follow_ups, FOLLOW_UP_COLUMNS), "follow_ups"),
            ]
            chunks = _generate(rng, directory, created, next_id, at_now, staff, known_days, sequence, next_round)
            for chunk in chunks:
                for insert, rows in inserts:
                    insert(getattr(chunk, rows))
            _add_photos(conn, next_id, random_seed)
        _advance_ids(conn)
        add_evidence(conn, next_round, random_seed)
        tallies.rebuild(conn)  # the dashboard's, over these reports and any seeded before
        for day, added in sequence.items():
            if day in known_days:
                conn.execute(
                    daily_sequence.update().where(daily_sequence.c.day == day).values(last=known_days[day] + added)
                )
            else:
                conn.execute(daily_sequence.insert().values(day=day, last=added))
    _analyze(db)
    return count


def _analyze(db: Database) -> None:
    """Table statistics for the query planner. On PostgreSQL a VACUUM too, outside any
    transaction as it must be: it marks the loaded pages all-visible, so counts and lists read
    from indexes alone; left to autovacuum, that pass runs while the first requests do."""
    if db.is_sqlite:
        with db.write() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("SET statement_timeout = 0")  # a million reports take longer than a request may
        try:
            with unwatched(conn):
                conn.exec_driver_sql("VACUUM ANALYZE")
        finally:
            conn.exec_driver_sql("RESET statement_timeout")


def _staff(conn: Connection) -> Staff:
    rows = conn.execute(select(operators.c.id, operators.c.username, operators.c.role, operators.c.agency_code)).all()
    by_role: dict[str, list] = {}
    for row in rows:
        by_role.setdefault(row.role, []).append(row)
    officers: dict[str, list[int]] = {}
    for row in by_role.get(Role.OFFICER, []):
        officers.setdefault(row.agency_code, []).append(row.id)
    supervisors = [row for row in by_role.get(Role.SUPERVISOR, []) if row.agency_code == ROOT_CODE]
    validators = by_role.get(Role.VALIDATOR, [])
    if not supervisors or not validators:
        raise ValueError("seed the demo operators first: reports are routed and validated by them")
    return Staff(
        officers=officers,
        dispatchers={row.agency_code: row.id for row in by_role.get(Role.DISPATCHER, [])},
        supervisor=supervisors[0].id,
        validator=validators[0].id,
        roles={row.id: Role(row.role) for row in rows},
        usernames={row.id: row.username for row in rows},
    )


def _advance_ids(conn: Connection) -> None:
    """Reports and follow-ups were inserted with their ids given. SQLite's next id follows the
    largest in the table; PostgreSQL's comes from a sequence, which has to be told."""
    if conn.dialect.name == "postgresql":
        for table in ("reports", "follow_ups"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )


def _add_photos(conn: Connection, first_id: int, random_seed: int) -> None:
    """Photos for the newest JAKI reports only (ids follow creation time)."""
    newest_jaki = conn.execute(
        select(reports.c.id, reports.c.category_code)
        .where(reports.c.channel == "JAKI", reports.c.id >= first_id)
        .order_by(reports.c.id.desc())
        .limit(MAX_DEMO_PHOTOS)
    ).all()
    pics = [
        {
            "report_id": row.id,
            "content_type": "image/jpeg",
            "width": 320,
            "height": 240,
            "data": synthetic_photo(random_seed * 1_000_003 + row.id, row.category_code),
        }
        for row in newest_jaki
    ]
    if pics:
        conn.execute(photos.insert(), pics)
        conn.execute(reports.update().where(reports.c.id.in_([p["report_id"] for p in pics])).values(has_photo=True))


def _reporter(rng: random.Random, report_id: int) -> tuple:
    first = _FIRST_NAMES[int(rng.random() * len(_FIRST_NAMES))]
    last = _LAST_NAMES[int(rng.random() * len(_LAST_NAMES))]
    return (
        report_id,
        f"{first} {last}",
        f"08{int(rng.random() * 10**10):010d}",
        f"{first.lower()}.{last.lower()}@contoh.id",
        f"3171{int(rng.random() * 10**12):012d}",
        None,
    )
