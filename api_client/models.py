"""Typed, frozen views of the operator API's JSON.

Fields the models do not declare are dropped on parse, so a backend that leaks more (reporter
identity above all) cannot leak it through the client: no model has a field for reporter
identity. Text is kept as the server sent it; the console's widgets sanitise it before drawing.
Every datetime is timezone-aware (a naive one fails the parse), and can be shown in every
timezone: Python's datetime ends at years 1 and 9999, so a `due_at` of 9999-12-31T23:30Z from a
misbehaving server has no form in WIB (UTC+7) and would fail whoever converts it. It fails the
parse instead, where the client's other checks of a payload fail.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from api_client.errors import ResponseParseError

# The farthest any timezone in use is from UTC (Kiribati's Line Islands, UTC+14).
MAX_UTC_OFFSET = timedelta(hours=14)
_PLACEHOLDER = re.compile(r"\{(number|category|kelurahan)\}")
_FARTHEST_ZONES = (timezone(MAX_UTC_OFFSET), timezone(-MAX_UTC_OFFSET))


def showable_everywhere(moment: datetime) -> bool:
    """Whether an aware datetime has a local form in every timezone (it is not within 14 hours
    of the ends of Python's calendar)."""
    try:
        for zone in _FARTHEST_ZONES:
            moment.astimezone(zone)
    except (OverflowError, ValueError):
        return False
    return True


Moment = Annotated[datetime, msgspec.Meta(tz=True)]
"""The type of every datetime the models hold: aware (a naive one fails the parse), and
showable in every timezone (checked as each model is made)."""

_UNSHOWABLE = "value_error"  # how a field holding a time no timezone can show is reported


class _Model(msgspec.Struct, frozen=True):
    # msgspec rather than pydantic: the models, their parsers and the library load in a few
    # milliseconds, where pydantic's cost the console ~170 ms of its start (import, model
    # classes, and its plugin lookup through importlib.metadata at the first parser built).
    # Unknown fields are dropped (msgspec's default).

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime) and not showable_everywhere(value):
                raise ValueError(f"{name}: {_UNSHOWABLE}")


class ReportStatus(StrEnum):
    """The Jakarta CRM statuses, by their exact names, in workflow order."""

    MENUNGGU = "Menunggu"
    KOORDINASI = "Koordinasi"
    DISPOSISI = "Disposisi"
    PROSES = "Proses"
    MENUNGGU_VALIDASI = "Menunggu Validasi"
    TL_DITOLAK = "TL Ditolak"
    SELESAI = "Selesai"

    @property
    def is_open(self) -> bool:
        return self is not ReportStatus.SELESAI


class Resolution(StrEnum):
    """How a report was closed."""

    SELESAI = "selesai"
    BUKAN_WEWENANG = "bukan wewenang"
    DUPLIKAT = "duplikat"
    TIDAK_VALID = "tidak valid"


Role = Literal["dispatcher", "officer", "supervisor", "validator", "observer"]
PhotoState = Literal["locked", "available", "none"]
EventType = Literal[
    "created",
    "assigned",
    "coordinated",
    "disposed",
    "followed_up",
    "accepted",
    "rejected",
    "reopened",
    "closed",
    "noted",
]
# What the server's transition table may allow an operator to do to a report.
Action = Literal["assign", "claim", "coordinate", "dispose", "close", "follow-up", "validate", "reopen", "note"]
Decision = Literal["accept", "reject"]


class AgencyRef(_Model, frozen=True):
    code: str
    name: str


class OperatorRef(_Model, frozen=True):
    """Who did something (an assignee, a history actor, a note's author)."""

    username: str
    display_name: str


class Operator(_Model, frozen=True):
    """The signed-in operator (`GET /me`)."""

    username: str
    display_name: str
    role: Role
    agency: AgencyRef


Me = Operator


class Session(_Model, frozen=True):
    """What a sign-in gives the caller. The token stays inside the client."""

    operator: Operator
    expires_at: Moment


class Agency(_Model, frozen=True):
    code: str
    name: str
    kind: str
    parent_code: str | None


class Category(_Model, frozen=True):
    code: str
    name: str
    dinas_code: str | None  # None: the report goes to its kelurahan


class Officer(_Model, frozen=True):
    username: str
    display_name: str
    agency: AgencyRef
    open_workload: int


class ResponseTemplate(_Model, frozen=True):
    """A text an operator may start from (`GET /templates`), for one action: `close` (a close's
    note), `follow_up` (a follow-up's response), `reject` (a validation's reason)."""

    id: int
    action: str
    title: str
    text: str
    categories: tuple[str, ...]  # empty: every category

    def filled(self, report: ReportSummary) -> str:
        """The text with {number}, {category} and {kelurahan} of `report`, in one pass (a value
        holding a placeholder stays as it is); any other brace is left alone."""
        values = {"number": report.number, "category": report.category_name, "kelurahan": report.kelurahan}
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], self.text)


class Health(_Model, frozen=True):
    status: str
    schema_version: int


class ReportSummary(_Model, frozen=True):
    """One row of the report list; also the report inside an event."""

    number: str
    status: ReportStatus
    channel: str
    category: str  # the category code
    category_name: str
    title: str
    kelurahan: str
    kecamatan: str
    city: str
    agency: AgencyRef
    assignee: OperatorRef | None
    private: bool
    photo: PhotoState
    created_at: Moment
    updated_at: Moment
    due_at: Moment
    version: int
    # The 6-hour coordination deadline (arrival to the first assign, coordinate or dispose) and
    # when that came; None from a server that does not say.
    coordination_due_at: Moment | None = None
    routed_at: Moment | None = None


class ReportPage(_Model, frozen=True):
    items: tuple[ReportSummary, ...]
    total: int  # reports matching the query, all pages together
    next_cursor: str | None  # None on the last page
    # A text search matching very many reports is counted only up to a bound: `total` is then
    # at least that many (the server leaves the flag out when the count is exact).
    total_is_lower_bound: bool = False


class Location(_Model, frozen=True):
    address: str
    kelurahan: str
    kecamatan: str
    city: str
    kelurahan_code: str
    lat: float | None
    lon: float | None


class PhotoInfo(_Model, frozen=True):
    state: PhotoState
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    # The server's `url` is not kept: the client builds the photo's path itself, so a backend
    # cannot point the operator's token at another host.


class HistoryEntry(_Model, frozen=True):
    at: Moment
    actor: OperatorRef | None  # None: the intake channel
    action: str
    from_status: ReportStatus | None
    to_status: ReportStatus | None
    detail: str | None
    note: str | None


class Note(_Model, frozen=True):
    id: int
    at: Moment
    author: OperatorRef
    text: str


class Handoff(_Model, frozen=True):
    """A coordination (to the responsible agency) or disposition (a Dinas to its Suku Dinas)."""

    at: Moment
    kind: Literal["coordinate", "dispose"]
    from_agency: AgencyRef
    to_agency: AgencyRef
    actor: OperatorRef
    note: str | None


class Evidence(_Model, frozen=True):
    """One evidence photo of a follow-up (metadata stripped on the server). Fetch its bytes with
    `CrmClient.get_evidence`: served for private reports too (they are the officer's photos)."""

    id: int
    content_type: str
    width: int
    height: int
    sha256: str
    perceptual_hash: str
    captured_at: Moment | None  # from the photo's EXIF before stripping; None: it did not say
    uploaded_at: Moment
    # Another report whose evidence is nearly the same photo: the flag validation must see.
    similar_to: str | None
    # The server's `url` is not kept, as for the citizen's photo: the client builds the path.


class Validation(_Model, frozen=True):
    decision: Decision
    at: Moment
    validator: OperatorRef
    reason: str | None


class FollowUp(_Model, frozen=True):
    """One follow-up round (tindak lanjut): the public response, the internal note, the evidence
    and, once decided, the validation."""

    round: int
    at: Moment
    officer: OperatorRef
    response: str
    note: str | None
    evidence: tuple[Evidence, ...]
    validation: Validation | None


class Report(ReportSummary, frozen=True, kw_only=True):  # its fields follow the summary's defaults
    """A report in full, with the ETag it was served with: the version writes act on."""

    description: str
    location: Location
    photo_info: PhotoInfo
    resolution: Resolution | None
    duplicate_of: str | None
    history: tuple[HistoryEntry, ...]
    notes: tuple[Note, ...]
    handoffs: tuple[Handoff, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    # What the signed-in operator may do now, by the server's transition table (empty: read
    # only, e.g. an observer, or a report their agency handed on). None: the server does not say.
    allowed_actions: tuple[Action, ...] | None = None
    etag: str | None = None  # from the response's ETag header, not from the JSON


class Event(_Model, frozen=True):
    """A change to a report the operator can see."""

    id: int
    type: EventType
    at: Moment
    report: ReportSummary
    # Who made the change. None: the intake channel, or a server that does not say.
    actor: OperatorRef | None = None


class Resync(_Model, frozen=True):
    """The stream could not replay what was missed: reload, then carry on from `latest_id`."""

    latest_id: int
    reason: str = "cannot_replay"


class StreamStatus(_Model, frozen=True):
    """The event stream's connection changed state. `retry_in`: seconds until the next try;
    `reason`: a message safe to show (why the connection was lost)."""

    state: Literal["connected", "reconnecting"]
    retry_in: float | None = None
    attempt: int = 0
    reason: str | None = None


StreamItem = Event | Resync | StreamStatus

# --- the dashboard (`GET /stats`) ----------------------------------------------------------


class StatsFigures(_Model, frozen=True):
    open: int
    red: int  # open, from the sixth day on or past the due date
    overdue: int  # open, past the due date
    waiting_late: int  # Menunggu, arrived more than 6 hours ago
    closed: int  # closed in the window (the last 30 days)
    median_close_seconds: int | None  # of those; None: none closed
    closed_on_time_share: float | None  # of those, closed by their due date (0-1); None: none closed

    @property
    def median_close(self) -> timedelta | None:
        return None if self.median_close_seconds is None else timedelta(seconds=self.median_close_seconds)


class OfficerStats(StatsFigures, frozen=True):
    officer: OperatorRef | None  # None: the reports assigned to nobody


class AgencyStats(StatsFigures, frozen=True):
    agency: AgencyRef  # its figures include its whole subtree, as the list's agency filter


class DayCount(_Model, frozen=True):
    day: date  # a Jakarta (WIB) calendar day
    arrivals: int
    closures: int


class Stats(_Model, frozen=True):
    generated_at: Moment
    window_start: Moment
    total: StatsFigures
    officers: tuple[OfficerStats, ...]
    agencies: tuple[AgencyStats, ...]
    days: tuple[DayCount, ...]  # oldest first


# --- parsing ---------------------------------------------------------------------------------

T = TypeVar("T")
MAX_PROBLEMS = 5

_DECODERS: dict[object, msgspec.json.Decoder[Any]] = {}


def _decoder(tp: type[T]) -> msgspec.json.Decoder[T]:
    """One decoder per type, built on first use."""
    decoder = _DECODERS.get(tp)
    if decoder is None:
        decoder = _DECODERS[tp] = msgspec.json.Decoder(tp)
    return decoder


def prepare(*models: type[_Model]) -> None:
    """Build the parsers of `models` now rather than at their first use: for an application
    that knows which payloads come first and has a moment to spare before."""
    for model in models:
        _decoder(model)


_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<field>\w+)`$")
_UNSHOWABLE_FIELD = re.compile(rf"^(?P<field>\w+): {_UNSHOWABLE}$")


def _problems(exc: msgspec.ValidationError) -> tuple[str, ...]:
    """Where and how the payload failed: the field path and a kind of error, never the input
    (msgspec's message can quote it, as in "Invalid enum value 'x'"). One problem: msgspec
    stops at the first."""
    found = _AT.match(str(exc))
    message, where = (found["message"], found["path"] or "") if found else ("", "")
    path = [part for part in re.split(r"[.\[\]]+", where) if part]
    if (field := _MISSING.match(message) or _UNSHOWABLE_FIELD.match(message)) is not None:
        path.append(field["field"])
    if message.startswith("Object missing required field"):
        kind = "missing"
    elif message.startswith("Invalid enum value"):
        kind = "enum"
    elif message.startswith("Expected `"):
        kind = "type_error"
    else:  # a value of the right type that is not valid (a malformed or unshowable time, ...)
        kind = "value_error"
    return (f"{'.'.join(path) or '<root>'}: {kind}",)


def parse_json(
    tp: type[T],
    payload: bytes | str,
    *,
    what: str,
    status_code: int | None = None,
    request_id: str | None = None,
    update: dict[str, Any] | None = None,
) -> T:
    """Validate a JSON payload as `tp`, or raise ResponseParseError without echoing the payload
    (msgspec's own error can quote it, so it is not chained)."""
    try:
        value = _decoder(tp).decode(payload)
    except msgspec.ValidationError as exc:
        problems = _problems(exc)
    except msgspec.DecodeError:
        problems = ("<root>: json_invalid",)
    else:
        if update and isinstance(value, msgspec.Struct):
            value = msgspec.structs.replace(value, **update)
        return value
    raise ResponseParseError(what=what, status_code=status_code, request_id=request_id, problems=problems)


def parse_python(tp: type[T], data: Any, *, what: str) -> T:
    try:
        return msgspec.convert(data, tp)
    except msgspec.ValidationError as exc:
        problems = _problems(exc)
    raise ResponseParseError(what=what, problems=problems)
