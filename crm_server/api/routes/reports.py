"""Reports: the list, one report, its photo, and the first writes (assign, close, note); the
lifecycle's other writes are in routes/lifecycle.py."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response

from crm_server import schemas
from crm_server.api.deps import Caller, Db, Dir
from crm_server.api.idempotent_write import idempotent_write, report_response
from crm_server.api.routes.errors_doc import errors
from crm_server.errors import Unprocessable
from crm_server.services import idempotency, report_access, report_writes
from crm_server.services.report_reads import MAX_PAGE, ReportFilter, decode_cursor, list_reports
from crm_server.statuses import Status
from crm_server.usernames import USERNAME_PATTERN
from crm_text.sanitize import clean_line

router = APIRouter(prefix="/reports", tags=["reports"])

Number = Annotated[str, Path(pattern=r"^JK\d{10,11}$", description="e.g. JK2503050007")]
SortName = Literal["created", "-created", "updated", "-updated", "due", "-due", "status", "-status"]
IfMatch = Annotated[
    str | None,
    # Not an ETag (the document states the pattern): a 428 that says what to send, as without it.
    Header(description="The report's ETag, as GET returned it. Without it: 428 (openapi_doc.py)."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=idempotency.MAX_KEY_CHARS,
        pattern=idempotency.KEY_PATTERN,
        description="One key per operator action (visible ASCII, no spaces); a retry with it applies once.",
    ),
]
_JSON = "application/json"
_Q_CHARS = 200
_SQL_INTEGER = range(-(2**63), 2**63)  # what a cursor value may be before it reaches the database


@router.get("", response_model=schemas.ReportPage, responses=errors(401, 422))
def get_reports(
    who: Caller,
    db: Db,
    directory: Dir,
    status: Annotated[list[schemas.StatusName], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    category: Annotated[list[schemas.CategoryCode], Query()] = [],  # noqa: B006
    agency: Annotated[str | None, Query(max_length=64, description="An agency code: its whole subtree.")] = None,
    assignee: Annotated[
        str | None,
        Query(max_length=64, pattern=USERNAME_PATTERN, description="A username, `unassigned` or `me`."),
    ] = None,
    private: bool | None = None,
    overdue: bool | None = None,
    handed_on: Annotated[
        bool,
        Query(description="true: the reports the caller's agency coordinated or disposed away (read-only to it)."),
    ] = False,
    q: Annotated[
        str | None, Query(max_length=_Q_CHARS, description="Text in number, title, description or address.")
    ] = None,
    sort: SortName = "-created",
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> schemas.ReportPage:
    agency_path = None
    if agency is not None:
        if agency not in directory.agencies:
            raise Unprocessable("Unknown agency code.")
        agency_path = directory.agencies[agency].path
    if cursor and not all(value in _SQL_INTEGER for value in decode_cursor(cursor, sort)):
        raise Unprocessable("The cursor is not valid.")
    text = clean_line(q) if q else ""
    filters = ReportFilter(
        status=tuple(Status.from_label(s) for s in status),
        category=tuple(category),
        agency_path=agency_path,
        assignee=assignee or None,
        private=private,
        overdue=overdue,
        q=text or None,
        handed_on=handed_on,
    )
    with db.read() as conn:
        return list_reports(conn, directory, who, filters, sort=sort, cursor=cursor, limit=limit)


@router.get(
    "/{number}",
    response_model=schemas.Report,
    responses=errors(401, 404, 422),
    description="The full report. Its `ETag` header is the version to send back in `If-Match`.",
)
def get_report(number: Number, who: Caller, db: Db, directory: Dir) -> Response:
    report = report_access.view_report(db, directory, who, number)  # audited
    return report_response(report.model_dump_json(), 200, report.version)


@router.get(
    "/{number}/photo",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The photo, metadata stripped."},
        **errors(401, 403, 404, 422),
    },
    description="403 for a private report: its photo is locked for every operator.",
)
def get_photo(number: Number, who: Caller, db: Db) -> Response:
    photo = report_access.view_photo(db, who, number)  # audited
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post(
    "/{number}/assign",
    response_model=schemas.Report,
    responses=errors(400, 401, 403, 404, 409, 412, 413, 422, 428),
    description="Moves Menunggu, Koordinasi, Disposisi and TL Ditolak to Proses (the receiving agency "
    "accepts a coordinated or disposed report so). An officer may claim an unassigned report (`officer` = "
    "their own username).",
)
def assign(
    number: Number,
    body: schemas.AssignRequest,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return idempotent_write(
        request,
        db,
        who,
        idempotency_key,
        body.model_dump(mode="json"),
        200,
        lambda conn: report_writes.assign(conn, directory, who, number, if_match, body.officer),
    )


@router.post(
    "/{number}/close",
    response_model=schemas.Report,
    responses=errors(400, 401, 403, 404, 409, 412, 413, 422, 428),
    description="Dispatchers and supervisors close directly, with a required note, as `bukan wewenang`, "
    "`duplikat` (of a report they can see) or `tidak valid`; `selesai` comes only through validation (422). "
    "409 when closed or awaiting validation.",
)
def close(
    number: Number,
    body: schemas.CloseRequest,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return idempotent_write(
        request,
        db,
        who,
        idempotency_key,
        body.model_dump(mode="json"),
        200,
        lambda conn: report_writes.close(conn, directory, who, number, if_match, body),
    )


@router.post(
    "/{number}/notes",
    response_model=schemas.Note,
    status_code=201,
    responses=errors(400, 401, 403, 404, 413, 422),
)
def add_note(
    number: Number,
    body: schemas.NoteRequest,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return idempotent_write(
        request,
        db,
        who,
        idempotency_key,
        body.model_dump(mode="json"),
        201,
        lambda conn: report_writes.add_note(conn, directory, who, number, body.text),
    )
