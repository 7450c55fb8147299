"""Reading reports: the keyset-paginated list, one report in full, and their API shapes."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, ColumnElement, Row, Select, and_, func, literal_column, or_, select, text, tuple_

from crm_server.api import schemas
from crm_server.clock import now
from crm_server.errors import NotFound, Unprocessable
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, scope_clause, subtree_range
from crm_server.statuses import Status
from crm_server.storage.schema import history, notes, operators, photos, reports

MAX_PAGE = 500
DEFAULT_PAGE = 50
_MIN_TRIGRAM = 3  # the FTS trigram tokenizer matches substrings of three characters or more

_assignee = operators.alias("assignee")

# Each sort is a tuple of columns ending in the id, so every position in it is unique.
SORTS: dict[str, tuple[ColumnElement, ...]] = {
    "created": (reports.c.created_at, reports.c.id),
    "updated": (reports.c.updated_at, reports.c.id),
    "due": (reports.c.due_at, reports.c.id),
    "status": (reports.c.status, reports.c.created_at, reports.c.id),
}


@dataclass(frozen=True)
class ReportFilter:
    status: tuple[Status, ...] = ()
    category: tuple[str, ...] = ()
    agency_path: str | None = None
    assignee: str | None = None  # a username, "unassigned" or "me"
    private: bool | None = None
    overdue: bool | None = None
    q: str | None = None


def _ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _summary_select() -> Select:
    return select(
        reports.c.id,
        reports.c.number,
        reports.c.status,
        reports.c.channel,
        reports.c.category_code,
        reports.c.title,
        reports.c.kelurahan_code,
        reports.c.agency_code,
        reports.c.agency_path,
        reports.c.assignee_id,
        reports.c.private,
        reports.c.has_photo,
        reports.c.created_at,
        reports.c.updated_at,
        reports.c.due_at,
        reports.c.version,
        _assignee.c.username.label("assignee_username"),
        _assignee.c.display_name.label("assignee_name"),
    ).select_from(reports.outerjoin(_assignee, reports.c.assignee_id == _assignee.c.id))


def photo_state(private: bool, has_photo: bool) -> schemas.PhotoState:
    # A private report says "locked" whether or not it has a photo: not even its existence leaks.
    if private:
        return "locked"
    return "available" if has_photo else "none"


def summary_from_row(row: Row, directory: Directory) -> schemas.ReportSummary:
    place = directory.places[row.kelurahan_code]
    agency = directory.agencies[row.agency_code]
    return schemas.ReportSummary(
        number=row.number,
        status=Status(row.status).label,
        channel=row.channel,
        category=row.category_code,
        category_name=directory.categories[row.category_code].name,
        title=row.title,
        kelurahan=place.kelurahan,
        kecamatan=place.kecamatan,
        city=place.city,
        agency=schemas.AgencyRef(code=agency.code, name=agency.name),
        assignee=(
            schemas.OperatorRef(username=row.assignee_username, display_name=row.assignee_name)
            if row.assignee_username
            else None
        ),
        private=row.private,
        photo=photo_state(row.private, row.has_photo),
        created_at=_ts(row.created_at),
        updated_at=_ts(row.updated_at),
        due_at=_ts(row.due_at),
        version=row.version,
    )


def load_summary(conn: Connection, report_id: int, directory: Directory) -> schemas.ReportSummary:
    row = conn.execute(_summary_select().where(reports.c.id == report_id)).one()
    return summary_from_row(row, directory)


# --- the list -------------------------------------------------------------------------------


def encode_cursor(sort: str, values: tuple) -> str:
    raw = json.dumps([sort, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Unprocessable("The cursor is not valid.") from None
    width = len(SORTS[sort.lstrip("-")])
    if (
        not isinstance(data, list)
        or len(data) != width + 1
        or data[0] != sort
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in data[1:])
    ):
        raise Unprocessable("The cursor does not belong to this sort.")
    return tuple(data[1:])


def _text_clause(conn: Connection, q: str) -> ColumnElement[bool]:
    if conn.dialect.name == "sqlite" and len(q) >= _MIN_TRIGRAM:
        phrase = '"' + q.replace('"', '""') + '"'
        matches = select(literal_column("rowid")).select_from(text("reports_fts")).where(
            text("reports_fts MATCH :phrase").bindparams(phrase=phrase)
        )
        return reports.c.id.in_(matches)
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        reports.c.number.ilike(pattern, escape="\\"),
        reports.c.title.ilike(pattern, escape="\\"),
        reports.c.description.ilike(pattern, escape="\\"),
        reports.c.address.ilike(pattern, escape="\\"),
    )


def _filter_clauses(conn: Connection, who: Principal, f: ReportFilter) -> list[ColumnElement[bool]]:
    clauses = [scope_clause(who)]
    if f.status:
        clauses.append(reports.c.status.in_([int(s) for s in f.status]))
    if f.category:
        clauses.append(reports.c.category_code.in_(f.category))
    if f.agency_path:
        low, high = subtree_range(f.agency_path)
        clauses.append(and_(reports.c.agency_path >= low, reports.c.agency_path < high))
    if f.assignee == "unassigned":
        clauses.append(reports.c.assignee_id.is_(None))
    elif f.assignee == "me":
        clauses.append(reports.c.assignee_id == who.id)
    elif f.assignee:
        officer = select(operators.c.id).where(operators.c.username == f.assignee).scalar_subquery()
        clauses.append(reports.c.assignee_id == officer)
    if f.private is not None:
        clauses.append(reports.c.private.is_(f.private))
    if f.overdue is not None:
        late = and_(reports.c.due_at < now(), reports.c.status != int(Status.SELESAI))
        clauses.append(late if f.overdue else ~late)
    if f.q:
        clauses.append(_text_clause(conn, f.q))
    return clauses


def list_reports(
    conn: Connection,
    directory: Directory,
    who: Principal,
    f: ReportFilter,
    *,
    sort: str = "-created",
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> schemas.ReportPage:
    descending = sort.startswith("-")
    columns = SORTS[sort.lstrip("-")]
    clauses = _filter_clauses(conn, who, f)
    total = conn.execute(select(func.count()).select_from(reports).where(*clauses)).scalar_one()

    query = _summary_select().where(*clauses)
    if cursor:
        after = decode_cursor(cursor, sort)
        key = tuple_(*columns)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    order = [c.desc() for c in columns] if descending else list(columns)
    rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()

    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor(sort, tuple(last._mapping[c.name] for c in columns))
    return schemas.ReportPage(
        items=[summary_from_row(r, directory) for r in rows], total=total, next_cursor=next_cursor
    )


# --- one report -----------------------------------------------------------------------------


def find_report(conn: Connection, number: str) -> Row | None:
    return conn.execute(select(reports).where(reports.c.number == number)).one_or_none()


def report_detail(conn: Connection, directory: Directory, report_id: int) -> schemas.Report:
    row = conn.execute(
        _summary_select().add_columns(
            reports.c.description,
            reports.c.address,
            reports.c.lat,
            reports.c.lon,
            reports.c.resolution,
            reports.c.duplicate_of,
        ).where(reports.c.id == report_id)
    ).one_or_none()
    if row is None:
        raise NotFound()
    summary = summary_from_row(row, directory)
    place = directory.places[row.kelurahan_code]
    return schemas.Report(
        **summary.model_dump(),
        description=row.description,
        location=schemas.Location(
            address=row.address,
            kelurahan=place.kelurahan,
            kecamatan=place.kecamatan,
            city=place.city,
            kelurahan_code=row.kelurahan_code,
            lat=row.lat,
            lon=row.lon,
        ),
        photo_info=_photo_info(conn, row),
        resolution=row.resolution,
        duplicate_of=row.duplicate_of,
        history=_history(conn, report_id),
        notes=_notes(conn, report_id),
    )


def _photo_info(conn: Connection, row: Row) -> schemas.PhotoInfo:
    state = photo_state(row.private, row.has_photo)
    if state != "available":
        return schemas.PhotoInfo(state=state)
    meta = conn.execute(
        select(photos.c.content_type, photos.c.width, photos.c.height).where(photos.c.report_id == row.id)
    ).one_or_none()
    if meta is None:
        return schemas.PhotoInfo(state="none")
    return schemas.PhotoInfo(
        state="available",
        url=f"/api/v1/reports/{row.number}/photo",
        content_type=meta.content_type,
        width=meta.width,
        height=meta.height,
    )


def _history(conn: Connection, report_id: int) -> list[schemas.HistoryEntry]:
    actor = operators.alias("actor")
    rows = conn.execute(
        select(history, actor.c.username, actor.c.display_name)
        .select_from(history.outerjoin(actor, history.c.actor_id == actor.c.id))
        .where(history.c.report_id == report_id)
        .order_by(history.c.id)
    ).all()
    return [
        schemas.HistoryEntry(
            at=_ts(r.at),
            actor=schemas.OperatorRef(username=r.username, display_name=r.display_name) if r.username else None,
            action=r.action,
            from_status=Status(r.from_status).label if r.from_status else None,
            to_status=Status(r.to_status).label if r.to_status else None,
            detail=r.detail,
            note=r.note,
        )
        for r in rows
    ]


def _notes(conn: Connection, report_id: int) -> list[schemas.Note]:
    rows = conn.execute(
        select(notes, operators.c.username, operators.c.display_name)
        .select_from(notes.join(operators, notes.c.author_id == operators.c.id))
        .where(notes.c.report_id == report_id)
        .order_by(notes.c.id)
    ).all()
    return [
        schemas.Note(
            id=r.id,
            at=_ts(r.at),
            author=schemas.OperatorRef(username=r.username, display_name=r.display_name),
            text=r.text,
        )
        for r in rows
    ]
