"""Reading reports: the keyset-paginated list, one report in full, and their API shapes."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Column, ColumnElement, Connection, Row, Select, and_, func, literal_column, or_, select, tuple_
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.visitors import ExternallyTraversible, replacement_traverse

from crm_server import schemas
from crm_server.clock import COORDINATE_AFTER, now
from crm_server.errors import NotFound, Unprocessable
from crm_server.roles import SUBTREE_ROLES, Role
from crm_server.services import lifecycle_reads
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal, handed_on_by, scope_clause, subtree_range
from crm_server.statuses import Status
from crm_server.storage import fts
from crm_server.storage.schema import handoffs, history, notes, operators, photos, reports

MAX_PAGE = 500
DEFAULT_PAGE = 50
# A text search matching more reports than this is counted only this far (a lower bound).
COUNT_LIMIT = 10_000
# Up to this many matches a page is read by collecting them all and sorting; above, by walking an
# index in the page's order (see list_reports).
SORT_LIMIT = 5_000
_MIN_TRIGRAM = 3  # the FTS trigram tokenizer matches substrings of three characters or more

_assignee = operators.alias("assignee")

# Each sort is a tuple of columns ending in the id, so every position in it is unique.
SORTS: dict[str, tuple[ColumnElement, ...]] = {
    "created": (reports.c.created_at, reports.c.id),
    "updated": (reports.c.updated_at, reports.c.id),
    "due": (reports.c.closed, reports.c.due_at, reports.c.id),  # open reports first
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
    handed_on: bool = False  # instead of the caller's queue: what their agency handed on


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
        reports.c.routed_at,
        reports.c.closed,
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
        coordination_due_at=_ts(row.created_at + COORDINATE_AFTER),
        routed_at=_ts(row.routed_at) if row.routed_at is not None else None,
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


@dataclass(frozen=True)
class _Text:
    clause: ColumnElement[bool]  # what the page applies
    count_clause: ColumnElement[bool]  # what the count applies
    complete: bool  # False: count_clause holds only some of the matches, the count is a lower bound
    listed: int | None = None  # count_clause is a list of this many ids
    page_by_ids: bool = False  # clause is that list too


def _like(q: str, *, ascii_case_insensitive: bool = False) -> ColumnElement[bool]:
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    columns = (reports.c.number, reports.c.title, reports.c.description, reports.c.address)
    if ascii_case_insensitive:  # SQLite's LIKE: no lower() per row
        return or_(*(c.like(pattern, escape="\\") for c in columns))
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def _text_search(conn: Connection, q: str) -> _Text:
    """How `q` narrows the list. Under three characters, or off SQLite: a substring LIKE.

    Otherwise the trigram index lists up to COUNT_LIMIT + 1 matching ids first (it stops there, so
    this takes a few ms even for a word in every other report). When that is all of them, the list
    reads just those reports and counts them exactly. When there are more, the term is common:
    a scan in the page's order meets a match every few rows, so each report on the way is tested
    with LIKE instead of listing every match first (for ASCII, SQLite's LIKE folds case as the
    trigram index does, but for the Kelvin sign and the long s), and the count covers the ids
    listed: a lower bound."""
    if conn.dialect.name != "sqlite" or len(q) < _MIN_TRIGRAM:
        like = _like(q, ascii_case_insensitive=conn.dialect.name == "sqlite")
        return _Text(like, like, complete=True)
    ids = conn.scalars(fts.matching_ids(q, COUNT_LIMIT + 1)).all()
    hits = reports.c.id.in_(ids)
    if len(ids) <= COUNT_LIMIT:
        return _Text(hits, hits, complete=True, listed=len(ids), page_by_ids=True)
    if q.isascii():
        return _Text(_like(q, ascii_case_insensitive=True), hits, complete=False, listed=len(ids))
    return _Text(reports.c.id.in_(fts.matching_ids(q, None)), hits, complete=False, listed=len(ids))


def _plus(column: ColumnElement) -> ColumnElement:
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _unindexed(conn: Connection, clauses: list[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """The same terms with every column of `reports` behind SQLite's unary plus, which keeps the
    planner from using them to pick an index (https://sqlite.org/optoverview.html#uplus); they
    are still tested on the entries of whatever index it reads.

    Its estimates come from averages (or, before ANALYZE, from nothing) and rate an equality on
    an indexed column as narrow. Where the caller knows better (many reports match, or a short
    list of ids is the narrow part), this keeps it from collecting every match through such an
    index and sorting them all."""
    if conn.dialect.name != "sqlite":
        return clauses

    def plus(element: ExternallyTraversible, **_kw: object) -> ExternallyTraversible | None:
        if isinstance(element, Column) and element.table is reports:
            return _plus(element)
        return None

    no_options: dict[str, object] = {}
    return [replacement_traverse(c, no_options, plus) for c in clauses]


def _subtree_codes(directory: Directory, path: str) -> list[str] | None:
    """The codes of the agencies under `path`, or None when that is every agency (the root)."""
    codes = [a.code for a in directory.agencies.values() if a.path.startswith(path)]
    return None if len(codes) == len(directory.agencies) else codes


@dataclass
class _Where:
    """The scope and the filters, sorted by how the page query may use them."""

    # One value of a column that leads a list index: read in created order from there.
    seeks: list[ColumnElement[bool]] = field(default_factory=list)
    # Everything else. Seeks and filters together are the whole condition, and every column they
    # name is in the list indexes: a count never reads a report.
    filters: list[ColumnElement[bool]] = field(default_factory=list)
    # The subtree rules as path ranges. The filters say the same with agency codes (a report's
    # agency_path is its agency's path), which the indexes hold; the page applies both.
    path_ranges: list[ColumnElement[bool]] = field(default_factory=list)

    @property
    def clauses(self) -> list[ColumnElement[bool]]:
        return [*self.seeks, *self.filters]

    def narrow(self) -> list[ColumnElement[bool]]:
        """For few matches: SQLite may collect them through any index, then sort."""
        return [*self.seeks, *self.filters, *self.path_ranges]

    def broad(self, conn: Connection, sort: str) -> list[ColumnElement[bool]]:
        """For many matches: SQLite is to read an index already in the page's order and test the
        rest on each entry, instead of collecting and sorting every match. Sorted by creation,
        a seek still looks narrow, as its index reads one value in that order; any other sort
        has only its own index for that."""
        if sort.lstrip("-") == "created":
            return [*self.seeks, *_unindexed(conn, [*self.filters, *self.path_ranges])]
        return self.unindexed(conn)

    def unindexed(self, conn: Connection) -> list[ColumnElement[bool]]:
        return _unindexed(conn, self.narrow())

    def add(self, clause: ColumnElement[bool], values: Sequence[object] | None = None) -> None:
        """`values`: the values of an IN list; one value makes it a seek."""
        (self.seeks if values is not None and len(values) == 1 else self.filters).append(clause)


OPEN_STATUSES = [int(s) for s in Status if s is not Status.SELESAI]


def overdue_clause(at: int, *, sqlite: bool) -> ColumnElement[bool]:
    """Open and past its due date. Open as a list of statuses, not "!= Selesai": an index on
    status can seek a list. The due date hardly narrows (every report but the last week's is past
    it): on SQLite it is kept from steering the planner to the index on due_at, which holds no
    other filter."""
    due_at = _plus(reports.c.due_at) if sqlite else reports.c.due_at
    return and_(due_at < at, reports.c.status.in_(OPEN_STATUSES))


def scope_clauses(conn: Connection, directory: Directory, who: Principal) -> list[ColumnElement[bool]]:
    """The caller's scope as the list applies it (agency codes, which every list index holds)."""
    return _filter_clauses(directory, who, ReportFilter(), sqlite=conn.dialect.name == "sqlite").clauses


def _filter_clauses(directory: Directory, who: Principal, f: ReportFilter, *, sqlite: bool) -> _Where:
    """The scope and the filters, in the form the indexes can answer without reading reports.

    A subtree (a supervisor's scope, the `agency` filter) is its agencies' codes; the path range
    itself goes in `path_ranges`. A subtree that is the whole tree adds nothing: a range holding
    every report would only mislead the query planner."""
    where = _Where()

    def subtree(path: str) -> None:
        codes = _subtree_codes(directory, path)
        if codes is not None:
            low, high = subtree_range(path)
            where.add(reports.c.agency_code.in_(codes), codes)
            where.path_ranges.append(and_(reports.c.agency_path >= low, reports.c.agency_path < high))

    if f.handed_on:
        handed = select(handoffs.c.report_id).where(handed_on_by(who))
        where.add(reports.c.id.in_(handed))
    elif who.role in SUBTREE_ROLES:
        subtree(who.agency_path)  # scope_clause(who), as codes
    elif who.role is Role.DISPATCHER:
        where.add(scope_clause(who), [who.agency_code])  # their agency
    else:
        where.add(scope_clause(who))  # their agency, or assigned to them
    if f.status:
        statuses = [int(s) for s in f.status]
        where.add(reports.c.status.in_(statuses), statuses)
    if f.category:
        where.add(reports.c.category_code.in_(f.category), f.category)
    if f.agency_path:
        subtree(f.agency_path)
    if f.assignee == "unassigned":
        where.add(reports.c.assignee_id.is_(None), [None])
    elif f.assignee == "me":
        where.add(reports.c.assignee_id == who.id, [who.id])
    elif f.assignee:
        officer = select(operators.c.id).where(operators.c.username == f.assignee).scalar_subquery()
        where.add(reports.c.assignee_id == officer, [officer])
    if f.private is not None:
        where.add(reports.c.private.is_(f.private))
    if f.overdue is not None:
        late = overdue_clause(now(), sqlite=sqlite)
        where.add(late if f.overdue else ~late)
    return where


def _text_count(conn: Connection, where: _Where, text_search: _Text) -> tuple[int, bool]:
    """(total, exact) of a text search: exact up to COUNT_LIMIT matches, else a lower bound."""
    if text_search.listed is None:
        found = _count(conn, [*where.clauses, text_search.count_clause], limit=COUNT_LIMIT + 1)
    elif where.clauses:
        found = _count(conn, [*_unindexed(conn, where.clauses), text_search.count_clause])
    else:
        found = text_search.listed  # nothing else narrows what the index listed
    return min(found, COUNT_LIMIT), text_search.complete and found <= COUNT_LIMIT


def _count(conn: Connection, clauses: list[ColumnElement[bool]], *, limit: int | None = None) -> int:
    matching: Select[tuple[int]] = select(literal_column("1")).select_from(reports).where(*clauses)
    if limit is not None:
        matching = matching.limit(limit)
    return conn.execute(select(func.count()).select_from(matching.subquery())).scalar_one()


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
    after = decode_cursor(cursor, sort) if cursor else None
    where = _filter_clauses(directory, who, f, sqlite=conn.dialect.name == "sqlite")

    # The count comes first: it is exact and cheap (the indexes cover every filter), and it tells
    # how to read the page. Many matches: walk an index in the page's order, a match every few
    # entries. Few: collect them through the narrowest index and sort them.
    if f.q:
        text_search = _text_search(conn, f.q)
        total, exact = _text_count(conn, where, text_search)
        # Matches listed by id: read those. Else (a common term): walk in order, as when broad.
        clauses = where.unindexed(conn) if text_search.page_by_ids else where.broad(conn, sort)
        clauses.append(text_search.clause)
    else:
        total, exact = _count(conn, where.clauses), True
        clauses = where.broad(conn, sort) if total > SORT_LIMIT else where.narrow()
    if total == 0 and exact:
        return schemas.ReportPage(items=[], total=0, next_cursor=None)

    query = _summary_select().where(*clauses)
    if after is not None:
        key = tuple_(*columns)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    order = [c.desc() for c in columns] if descending else list(columns)
    rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()

    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(sort, tuple(rows[-1]._mapping[c.name] for c in columns))
    elif after is None:
        total, exact = len(rows), True  # the first page is the only one: an exact count at last
    return schemas.ReportPage(
        items=[summary_from_row(r, directory) for r in rows],
        total=total,
        total_is_lower_bound=not exact,
        next_cursor=next_cursor,
    )


# --- one report -----------------------------------------------------------------------------


def find_report(conn: Connection, number: str) -> Row | None:
    return conn.execute(select(reports).where(reports.c.number == number)).one_or_none()


def existing_report(conn: Connection, number: str) -> Row:
    """A report this transaction has already found (read again after a change of its own)."""
    row = find_report(conn, number)
    if row is None:
        raise NotFound()
    return row


def report_detail(conn: Connection, directory: Directory, report_id: int, viewer: Principal) -> schemas.Report:
    """The report in full, with what `viewer` may do to it now."""
    row = conn.execute(
        _summary_select()
        .add_columns(
            reports.c.description,
            reports.c.address,
            reports.c.lat,
            reports.c.lon,
            reports.c.resolution,
            reports.c.duplicate_of,
        )
        .where(reports.c.id == report_id)
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
        handoffs=lifecycle_reads.handoffs_of(conn, directory, report_id),
        follow_ups=lifecycle_reads.follow_ups_of(conn, row.number, report_id),
        allowed_actions=lifecycle_reads.actions_for(conn, viewer, row),
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
