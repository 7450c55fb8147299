"""Open311 GeoReport v2 over the CRM: categories as services, a submission through the intake,
and the public status of non-private reports.

The mapping, field by field: `service_code` is a category code and `group` its Dinas;
`address_id` is the kelurahan code a report routes by; `service_request_id` is the JK number;
`status` is `open` for every status but Selesai; `status_notes` is the public response of the
last follow-up (never an internal note); `agency_responsible` is the agency holding the report;
`expected_datetime` its due time. A private report is in no listing, and asked for by its number
answers as a number that does not exist. The reporter's fields (`email`, `first_name`,
`last_name`, `phone`, `device_id`, `account_id`) go to the reporter table, and no answer carries
them back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import Connection, Row, Select, select

from crm_server import schemas
from crm_server.clock import DAY, WIB, now
from crm_server.errors import NotFound, Unprocessable
from crm_server.services import idempotency, intake
from crm_server.services.directory import Directory
from crm_server.services.report_access import StoredPhoto
from crm_server.statuses import Status
from crm_server.storage.engine import Database
from crm_server.storage.schema import follow_ups, photos, reports
from crm_text.sanitize import clean_line

CHANNEL = "Open311"
JURISDICTION_ID = "jakarta.go.id"
MAX_RANGE_DAYS = 90  # the spec's suggested bound on start_date..end_date, and the default range
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000  # with MAX_PAGE_SIZE: at most half a million rows skipped, never a table scan
MAX_IDS = 100  # service_request_id, comma separated
PRIVATE_ATTRIBUTE = "attribute[private]"

# The submission's fields: the spec's, and the one attribute Jakarta adds.
SUBMIT_FIELDS = frozenset(
    {
        "api_key",
        "jurisdiction_id",
        "service_code",
        "lat",
        "long",
        "address_string",
        "address_id",
        "email",
        "device_id",
        "account_id",
        "first_name",
        "last_name",
        "phone",
        "description",
        "media_url",
        PRIVATE_ATTRIBUTE,
    }
)
QUERY_FIELDS = frozenset(
    {"jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size"}
)

NOTICE_PRIVATE = "Received. The report is private: only the officers handling it read it, and no listing shows it."
NOTICE_PUBLIC = "Received. The report is public: GET requests shows its status, without the reporter's details."
NOTICE_NO_MEDIA_URL = " The media_url was not kept: upload the photo as the `media` file instead."


# --- services ----------------------------------------------------------------------------------


def service_list(directory: Directory) -> list[dict[str, object]]:
    """Each category as a service; `group` is the Dinas it routes to (or the kelurahan)."""
    rows: list[dict[str, object]] = []
    for category in directory.categories.values():
        dinas = directory.agencies.get(category.dinas_code or "")
        rows.append(
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": category.name,
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": dinas.name if dinas else "Kelurahan",
            }
        )
    return rows


def service_definition(directory: Directory, code: str) -> dict[str, object]:
    """Every service has `metadata=false`: its definition has no attributes to fill in."""
    if code not in directory.categories:
        raise NotFound("service_code provided was not found.")
    return {"service_code": code, "attributes": []}


def check_jurisdiction(value: str | None) -> None:
    if value is not None and value != JURISDICTION_ID:
        raise NotFound("jurisdiction_id provided was not found.")


# --- the submission ----------------------------------------------------------------------------


def _coordinate(fields: Mapping[str, str], name: str, bound: float) -> float | None:
    value = fields.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Unprocessable(f"{name} is not a number.") from None
    if not -bound <= number <= bound:
        raise Unprocessable(f"{name} is out of range.")
    return number


def _private(fields: Mapping[str, str]) -> bool:
    value = fields.get(PRIVATE_ATTRIBUTE, "true").strip().lower()
    if value not in ("true", "false"):
        raise Unprocessable(f"{PRIVATE_ATTRIBUTE} is true or false.")
    return value == "true"


def _reporter(fields: Mapping[str, str]) -> schemas.IntakeReporter | None:
    names = (fields.get("first_name", "").strip(), fields.get("last_name", "").strip())
    name = " ".join(part for part in names if part)
    # The reporter table has one account column: the app's account, and the device beside it.
    account_id, device_id = fields.get("account_id", "").strip(), fields.get("device_id", "").strip()
    account = "; ".join([*([account_id] if account_id else []), *([f"device {device_id}"] if device_id else [])])
    identity = {
        "name": name or None,
        "phone": fields.get("phone", "").strip() or None,
        "email": fields.get("email", "").strip() or None,
        "account": account or None,
    }
    if not any(identity.values()):
        return None
    try:
        return schemas.IntakeReporter(**identity)
    except ValidationError:
        # Pydantic's message would carry the value: name the rule, never the input.
        raise Unprocessable("A reporter field is too long.") from None


def _kelurahan(directory: Directory, fields: Mapping[str, str], lat: float | None, lon: float | None) -> str:
    """The kelurahan a report is routed by: address_id (its code), else the one the address
    names, else the one the point lies in (when the city supplied its boundaries)."""
    code = (
        fields.get("address_id", "").strip()
        or directory.kelurahan_named_in(fields.get("address_string", ""))
        or (directory.kelurahan_at(lat, lon) if lat is not None and lon is not None else None)
    )
    if code is None or code not in directory.places:
        located = "lat/long inside a kelurahan, " if directory.boundaries else ""
        raise Unprocessable(f"Give the kelurahan: its code as address_id, {located}or 'Kel. <name>' in address_string.")
    return code


def _content(directory: Directory, fields: Mapping[str, str]) -> schemas.IntakeContent:
    code = fields.get("service_code", "")
    if code not in directory.categories:
        raise Unprocessable("service_code provided was not valid.")
    lat, lon = _coordinate(fields, "lat", 90), _coordinate(fields, "long", 180)
    if (lat is None) != (lon is None):
        raise Unprocessable("Send lat and long together.")
    kelurahan = _kelurahan(directory, fields, lat, lon)
    description = fields.get("description", "")
    # Open311 has no title: the description's first line, else the service's name.
    title = (
        clean_line(description.strip().split("\n", 1)[0], max_chars=intake.TITLE_CHARS)
        or directory.categories[code].name
    )
    try:
        return schemas.IntakeContent(
            category=code,
            title=title,
            description=description,
            location=schemas.IntakeLocation(
                address=fields.get("address_string", ""), kelurahan=kelurahan, lat=lat, lon=lon
            ),
            private=_private(fields),
            reporter=_reporter(fields),
        )
    except ValidationError:
        raise Unprocessable("The description or the address is too long.") from None


def fingerprint(fields: Mapping[str, str], media: bytes | None) -> dict[str, object]:
    """What makes two submissions the same request: their fields but the key (the scope already
    names it), and their photo's digest."""
    return {
        "fields": {name: value for name, value in fields.items() if name != "api_key"},
        "media": hashlib.sha256(media).hexdigest() if media is not None else None,
    }


def submit(
    db: Database,
    directory: Directory,
    fields: Mapping[str, str],
    media: bytes | None,
    tried: idempotency.Attempt | None = None,
) -> dict[str, object]:
    """The spec's answer to a submission: the JK number and a notice (no account_id: that is
    identity, which no answer carries). A retry of `tried` answers the first submission's number."""
    check_jurisdiction(fields.get("jurisdiction_id"))
    content = _content(directory, fields)
    number = intake.accept(db, directory, content, CHANNEL, media, tried)
    notice = NOTICE_PRIVATE if content.private else NOTICE_PUBLIC
    if fields.get("media_url", "").strip():
        # Fetching a URL a client names would make the server reach wherever it points, and
        # a remote photo could not be stripped of its metadata before anyone saw it.
        notice += NOTICE_NO_MEDIA_URL
    return {"service_request_id": number, "service_notice": notice, "account_id": None}


# --- the public status -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    numbers: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    start: int = 0
    end: int = 0
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _moment(value: str, name: str) -> int:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Unprocessable(f"{name} is not a W3C date-time (e.g. 2026-01-01T00:00:00+07:00).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)  # a time without a zone is Jakarta's
    return int(moment.timestamp())


def _bounded(value: str | None, name: str, default: int, top: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= top:
        raise Unprocessable(f"{name} is a whole number from 1 to {top}.")
    return int(value)


def parse_query(params: Mapping[str, str]) -> RequestQuery:
    """The spec's filters, bounded: a date range of at most 90 days (the last 90 by default),
    pages of at most MAX_PAGE_SIZE."""
    check_jurisdiction(params.get("jurisdiction_id"))
    numbers = _list(params.get("service_request_id"))
    if len(numbers) > MAX_IDS:
        raise Unprocessable(f"At most {MAX_IDS} service_request_id values at once.")
    statuses = frozenset(part.lower() for part in _list(params.get("status")))
    if not statuses <= {"open", "closed"}:
        raise Unprocessable("status is open or closed.")
    start_text, end_text = params.get("start_date"), params.get("end_date")
    span = MAX_RANGE_DAYS * DAY
    end = _moment(end_text, "end_date") if end_text else None
    start = _moment(start_text, "start_date") if start_text else None
    if end is None:
        end = now() if start is None else start + span
    if start is None:
        start = end - span
    if end < start:
        raise Unprocessable("end_date is before start_date.")
    if end - start > span:
        raise Unprocessable(f"The date range may not span more than {MAX_RANGE_DAYS} days.")
    return RequestQuery(
        numbers=numbers,
        codes=_list(params.get("service_code")),
        statuses=statuses,
        start=start,
        end=end,
        page=_bounded(params.get("page"), "page", 1, MAX_PAGE),
        page_size=_bounded(params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


def _public_select() -> Select:
    # Every read below starts here: no private report can be in any answer.
    return select(
        reports.c.id,
        reports.c.number,
        reports.c.status,
        reports.c.category_code,
        reports.c.title,
        reports.c.description,
        reports.c.agency_code,
        reports.c.address,
        reports.c.kelurahan_code,
        reports.c.lat,
        reports.c.lon,
        reports.c.created_at,
        reports.c.updated_at,
        reports.c.due_at,
        reports.c.has_photo,
    ).where(reports.c.private.is_(False))


def _time(value: int) -> str:
    return datetime.fromtimestamp(value, WIB).isoformat()


def _last_responses(conn: Connection, report_ids: list[int]) -> dict[int, str]:
    """Each report's last follow-up response (the public text; the internal note is not read)."""
    last: dict[int, str] = {}
    rows = conn.execute(
        select(follow_ups.c.report_id, follow_ups.c.response)
        .where(follow_ups.c.report_id.in_(report_ids))
        .order_by(follow_ups.c.report_id, follow_ups.c.round)
    )
    for report_id, response in rows:
        last[report_id] = response
    return last


def _request(row: Row, directory: Directory, notes: dict[int, str], media_base: str) -> dict[str, object]:
    category = directory.categories[row.category_code]
    return {
        "service_request_id": row.number,
        "status": "open" if Status(row.status).is_open else "closed",
        "status_notes": notes.get(row.id),
        "service_name": category.name,
        "service_code": category.code,
        "description": row.description or row.title,
        "agency_responsible": directory.agencies[row.agency_code].name,
        "service_notice": None,
        "requested_datetime": _time(row.created_at),
        "updated_datetime": _time(row.updated_at),
        "expected_datetime": _time(row.due_at),
        "address": row.address,
        "address_id": row.kelurahan_code,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": f"{media_base}/{row.number}/media" if row.has_photo else None,
    }


def find(db: Database, directory: Directory, query: RequestQuery, media_base: str) -> list[dict[str, object]]:
    """Non-private reports, newest first. Named numbers override the other filters, as the spec
    says; a number that is private or missing is left out alike."""
    statement = _public_select()
    if query.numbers:
        statement = statement.where(reports.c.number.in_(query.numbers))
    else:
        statement = statement.where(reports.c.created_at >= query.start, reports.c.created_at <= query.end)
        if query.codes:
            statement = statement.where(reports.c.category_code.in_(query.codes))
        if query.statuses == {"open"}:
            statement = statement.where(reports.c.status != int(Status.SELESAI))
        elif query.statuses == {"closed"}:
            statement = statement.where(reports.c.status == int(Status.SELESAI))
    statement = (
        statement.order_by(reports.c.created_at.desc(), reports.c.id.desc())
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    )
    with db.read() as conn:
        rows = conn.execute(statement).all()
        notes = _last_responses(conn, [row.id for row in rows]) if rows else {}
    return [_request(row, directory, notes, media_base) for row in rows]


def one(db: Database, directory: Directory, number: str, media_base: str) -> dict[str, object]:
    """A private report and a missing one answer the same 404, from the same query."""
    with db.read() as conn:
        row = conn.execute(_public_select().where(reports.c.number == number)).one_or_none()
        if row is None:
            raise NotFound("service_request_id provided was not found.")
        notes = _last_responses(conn, [row.id])
    return _request(row, directory, notes, media_base)


def public_photo(db: Database, number: str) -> StoredPhoto:
    """A non-private report's photo, stored re-encoded at intake (no EXIF, GPS or device data);
    private, missing or without a photo: the same 404."""
    with db.read() as conn:
        found = conn.execute(
            select(photos.c.content_type, photos.c.data)
            .select_from(photos.join(reports, photos.c.report_id == reports.c.id))
            .where(reports.c.number == number, reports.c.private.is_(False))
        ).one_or_none()
    if found is None:
        raise NotFound("No photo.")
    return StoredPhoto(found.content_type, found.data)
