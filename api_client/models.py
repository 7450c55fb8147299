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

import pydantic
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, TypeAdapter

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


def _showable(moment: datetime) -> datetime:
    if not showable_everywhere(moment):
        raise ValueError("a time too close to the ends of the calendar to show in every timezone")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_showable)]
"""The type of every datetime the models hold: aware, and showable in every timezone."""


class _Model(BaseModel):
    # Each model's validator is built on its first use, not at import (building them all costs
    # tens of milliseconds at start); `prepare()` builds chosen ones ahead.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


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


class AgencyRef(_Model):
    code: str
    name: str


class OperatorRef(_Model):
    """Who did something (an assignee, a history actor, a note's author)."""

    username: str
    display_name: str


class Operator(_Model):
    """The signed-in operator (`GET /me`)."""

    username: str
    display_name: str
    role: Role
    agency: AgencyRef


Me = Operator


class Session(_Model):
    """What a sign-in gives the caller. The token stays inside the client."""

    operator: Operator
    expires_at: Moment


class Agency(_Model):
    code: str
    name: str
    kind: str
    parent_code: str | None


class Category(_Model):
    code: str
    name: str
    dinas_code: str | None  # None: the report goes to its kelurahan


class Officer(_Model):
    username: str
    display_name: str
    agency: AgencyRef
    open_workload: int


class ResponseTemplate(_Model):
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


class Health(_Model):
    status: str
    schema_version: int


class ReportSummary(_Model):
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


class ReportPage(_Model):
    items: tuple[ReportSummary, ...]
    total: int  # reports matching the query, all pages together
    next_cursor: str | None  # None on the last page
    # A text search matching very many reports is counted only up to a bound: `total` is then
    # at least that many (the server leaves the flag out when the count is exact).
    total_is_lower_bound: bool = False


class Location(_Model):
    address: str
    kelurahan: str
    kecamatan: str
    city: str
    kelurahan_code: str
    lat: float | None
    lon: float | None


class PhotoInfo(_Model):
    state: PhotoState
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    # The server's `url` is not kept: the client builds the photo's path itself, so a backend
    # cannot point the operator's token at another host.


class HistoryEntry(_Model):
    at: Moment
    actor: OperatorRef | None  # None: the intake channel
    action: str
    from_status: ReportStatus | None
    to_status: ReportStatus | None
    detail: str | None
    note: str | None


class Note(_Model):
    id: int
    at: Moment
    author: OperatorRef
    text: str


class Handoff(_Model):
    """A coordination (to the responsible agency) or disposition (a Dinas to its Suku Dinas)."""

    at: Moment
    kind: Literal["coordinate", "dispose"]
    from_agency: AgencyRef
    to_agency: AgencyRef
    actor: OperatorRef
    note: str | None


class Evidence(_Model):
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


class Validation(_Model):
    decision: Decision
    at: Moment
    validator: OperatorRef
    reason: str | None


class FollowUp(_Model):
    """One follow-up round (tindak lanjut): the public response, the internal note, the evidence
    and, once decided, the validation."""

    round: int
    at: Moment
    officer: OperatorRef
    response: str
    note: str | None
    evidence: tuple[Evidence, ...]
    validation: Validation | None


class Report(ReportSummary):
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


class Event(_Model):
    """A change to a report the operator can see."""

    id: int
    type: EventType
    at: Moment
    report: ReportSummary
    # Who made the change. None: the intake channel, or a server that does not say.
    actor: OperatorRef | None = None


class Resync(_Model):
    """The stream could not replay what was missed: reload, then carry on from `latest_id`."""

    latest_id: int
    reason: str = "cannot_replay"


class StreamStatus(_Model):
    """The event stream's connection changed state. `retry_in`: seconds until the next try;
    `reason`: a message safe to show (why the connection was lost)."""

    state: Literal["connected", "reconnecting"]
    retry_in: float | None = None
    attempt: int = 0
    reason: str | None = None


StreamItem = Event | Resync | StreamStatus

# --- the dashboard (`GET /stats`) ----------------------------------------------------------


class StatsFigures(_Model):
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


class OfficerStats(StatsFigures):
    officer: OperatorRef | None  # None: the reports assigned to nobody


class AgencyStats(StatsFigures):
    agency: AgencyRef  # its figures include its whole subtree, as the list's agency filter


class DayCount(_Model):
    day: date  # a Jakarta (WIB) calendar day
    arrivals: int
    closures: int


class Stats(_Model):
    generated_at: Moment
    window_start: Moment
    total: StatsFigures
    officers: tuple[OfficerStats, ...]
    agencies: tuple[AgencyStats, ...]
    days: tuple[DayCount, ...]  # oldest first


# --- parsing ---------------------------------------------------------------------------------

T = TypeVar("T")
MAX_PROBLEMS = 5


def prepare(*models: type[BaseModel]) -> None:
    """Build the validators of `models` now rather than at their first use: for an
    application that knows which payloads come first and has a moment to spare before."""
    for model in models:
        model.model_rebuild()


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(tp: type[T]) -> TypeAdapter[T]:
    """One adapter per type, built on first use (building one is the costly part)."""
    adapter = _ADAPTERS.get(tp)
    if adapter is None:
        adapter = _ADAPTERS[tp] = TypeAdapter(tp)
    return adapter


def _problems(exc: pydantic.ValidationError) -> tuple[str, ...]:
    """Where and how the payload failed: field paths and error types, never input values."""
    return tuple(
        f"{'.'.join(str(part) for part in err['loc']) or '<root>'}: {err['type']}"
        for err in exc.errors(include_url=False, include_input=False, include_context=False)[:MAX_PROBLEMS]
    )


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
    (pydantic's own error repeats the input, so it is not chained)."""
    try:
        value = _adapter(tp).validate_json(payload)
    except pydantic.ValidationError as exc:
        problems = _problems(exc)
    else:
        if update and isinstance(value, BaseModel):
            value = value.model_copy(update=update)
        return value
    raise ResponseParseError(what=what, status_code=status_code, request_id=request_id, problems=problems)


def parse_python(tp: type[T], data: Any, *, what: str) -> T:
    try:
        return _adapter(tp).validate_python(data)
    except pydantic.ValidationError as exc:
        problems = _problems(exc)
    raise ResponseParseError(what=what, problems=problems)
