"""The operator API's declared models: a response can hold only the fields declared here.

None of these models has a field for reporter identity, and none is built from the reporter table.
Request models forbid unknown fields, so a client cannot set status, version or ids.

The services build these models and the routes declare them, so they live below both layers
and import neither: a service never imports the HTTP layer to say what it returns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm_server.lifecycle import ACTION_NAMES, EVENT_TYPES
from crm_server.reference.jakarta import CHANNELS
from crm_server.statuses import STATUS_LABELS, Resolution
from crm_server.template_actions import ACTIONS
from crm_server.usernames import USERNAME_PATTERN

StatusName = Literal[STATUS_LABELS]  # type: ignore[valid-type]
RoleName = Literal["dispatcher", "officer", "supervisor", "validator", "observer"]
ActionName = Literal[ACTION_NAMES]  # type: ignore[valid-type]
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
PhotoState = Literal["locked", "available", "none"]
ResolutionName = Literal[Resolution.ALL]  # type: ignore[valid-type]
ChannelName = Literal[CHANNELS]  # type: ignore[valid-type]
TemplateAction = Literal[ACTIONS]  # type: ignore[valid-type]
# The operator username rule (crm_server/usernames.py): a sign-in that breaks it is a 422 before
# anything is written.
Username = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=USERNAME_PATTERN)]
# The form of every category code (GET /categories): a filter for anything else is a 422, where
# PostgreSQL would have failed on a NUL in it.
CategoryCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9-]{1,64}$")]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(_Out):
    error: str = Field(description="A stable machine-readable code, e.g. `not_found`.")
    message: str = Field(description="Safe to show an operator; never echoes the request.")
    request_id: str


class FieldError(_Out):
    loc: list[str] = Field(description='Where, e.g. ["body", "note"]; never the value sent.')
    type: str = Field(description="What is wrong, e.g. `missing` or `string_too_long`.")


class ValidationErrorBody(ErrorBody):
    fields: list[FieldError] | None = Field(
        None, description="The declared fields that are not valid (absent when the request was well-formed)."
    )


class ConflictBody(ErrorBody):
    status: StatusName | None = Field(None, description="The report's status, when that is the conflict.")
    allowed_actions: list[ActionName] | None = Field(
        None, description="What the caller may do to the report in that status (may be empty)."
    )


class PreconditionFailedBody(ErrorBody):
    current_version: int
    changed_by: str | None = Field(description="Display name of whoever made the current version.")
    changed_at: datetime | None


# --- auth -----------------------------------------------------------------------------------


class LoginRequest(_In):
    username: Username
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class AgencyRef(_Out):
    code: str
    name: str


class Me(_Out):
    username: str
    display_name: str
    role: RoleName
    agency: AgencyRef


class LoginResponse(_Out):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    operator: Me


# --- reference ------------------------------------------------------------------------------


class Agency(_Out):
    code: str
    name: str
    kind: str
    parent_code: str | None


class Category(_Out):
    code: str
    name: str
    dinas_code: str | None = Field(description="The Dinas the category routes to; null: the kelurahan.")


class Officer(_Out):
    username: str
    display_name: str
    agency: AgencyRef
    open_workload: int = Field(description="Open reports assigned to this officer.")


class Live(_Out):
    status: Literal["ok"] = "ok"


class ResponseTemplate(_Out):
    id: int
    action: TemplateAction = Field(
        description="close: a close's note; follow_up: a follow-up's response; reject: a validation's reason."
    )
    title: str
    text: str = Field(description="May hold {number}, {category} and {kelurahan}: the client fills them for a report.")
    categories: list[str] = Field(description="The category codes it is for; empty: every category.")


class Health(_Out):
    status: Literal["ok"] = "ok"
    schema_version: int


# --- reports --------------------------------------------------------------------------------


class OperatorRef(_Out):
    username: str
    display_name: str


class ReportSummary(_Out):
    number: str
    status: StatusName
    channel: str
    category: str = Field(description="Category code")
    category_name: str
    title: str
    kelurahan: str
    kecamatan: str
    city: str
    agency: AgencyRef
    assignee: OperatorRef | None
    private: bool
    photo: PhotoState
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    coordination_due_at: datetime = Field(
        description="Six hours after arrival: the first routing action (assign, coordinate, dispose) is due."
    )
    routed_at: datetime | None = Field(description="When the first routing action came; null: not yet.")
    version: int


class ReportPage(_Out):
    items: list[ReportSummary]
    total: int = Field(
        description="Reports matching the filters, all pages together. Exact, except for a text search "
        "(`q`) matching more than 10,000 reports: that is counted only so far, and `total` is then a "
        "lower bound of at most 10,000, flagged by `total_is_lower_bound`."
    )
    total_is_lower_bound: bool = Field(
        False,
        exclude_if=lambda flag: not flag,
        description="Present, and true, only when `total` is a lower bound (a very common search term).",
    )
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class Location(_Out):
    address: str
    kelurahan: str
    kecamatan: str
    city: str
    kelurahan_code: str
    lat: float | None
    lon: float | None


class PhotoInfo(_Out):
    state: PhotoState
    url: str | None = Field(None, description="Path on this API; only when available.")
    content_type: str | None = None
    width: int | None = None
    height: int | None = None


class HistoryEntry(_Out):
    at: datetime
    actor: OperatorRef | None = Field(description="null: the intake channel.")
    action: str
    from_status: StatusName | None
    to_status: StatusName | None
    detail: str | None
    note: str | None


class Note(_Out):
    id: int
    at: datetime
    author: OperatorRef
    text: str


class Handoff(_Out):
    at: datetime
    kind: Literal["coordinate", "dispose"]
    from_agency: AgencyRef
    to_agency: AgencyRef
    actor: OperatorRef
    note: str | None


class Evidence(_Out):
    id: int
    url: str = Field(description="Path on this API; served to operators in scope, private reports too.")
    content_type: str
    width: int
    height: int
    sha256: str = Field(description="Of the stored bytes (re-encoded, metadata stripped).")
    perceptual_hash: str = Field(description="64-bit DCT hash, 16 hex digits.")
    captured_at: datetime | None = Field(
        description="From the photo's EXIF before it was stripped (WIB when it named no zone); null: none."
    )
    uploaded_at: datetime
    similar_to: str | None = Field(
        description="The number of another report whose evidence is nearly the same photo; null: none found."
    )


class Validation(_Out):
    decision: Literal["accept", "reject"]
    at: datetime
    validator: OperatorRef
    reason: str | None


class FollowUp(_Out):
    round: int = Field(description="1 for the first follow-up, +1 after each rejection.")
    at: datetime
    officer: OperatorRef
    response: str = Field(description="Public: what the reporter reads.")
    note: str | None = Field(description="Internal.")
    evidence: list[Evidence]
    validation: Validation | None = Field(description="null: awaiting validation.")


class Report(ReportSummary):
    description: str
    location: Location
    photo_info: PhotoInfo
    resolution: ResolutionName | None
    duplicate_of: str | None
    history: list[HistoryEntry]
    notes: list[Note]
    handoffs: list[Handoff] = Field(description="Each coordination and disposition, oldest first.")
    follow_ups: list[FollowUp] = Field(description="Each follow-up round with its evidence and decision.")
    allowed_actions: list[ActionName] = Field(
        description="What the caller may do to the report now (the server's transition table)."
    )


# --- stats ----------------------------------------------------------------------------------


class StatsFigures(_Out):
    open: int = Field(description="Reports not Selesai.")
    red: int = Field(description="Open reports from their sixth day on, or past their due date.")
    overdue: int = Field(description="Open reports past their due date (7 days after arrival).")
    waiting_late: int = Field(description="Menunggu reports that arrived more than 6 hours ago (coordination due).")
    closed: int = Field(description="Reports closed within the window (the last 30 days).")
    median_close_seconds: int | None = Field(
        description="Median time from arrival to close of the reports closed in the window; null: none closed."
    )
    closed_on_time_share: float | None = Field(
        description="Share (0-1) of the reports closed in the window that closed by their due date; null: none."
    )


class OfficerStats(StatsFigures):
    officer: OperatorRef | None = Field(description="null: the reports assigned to nobody.")


class AgencyStats(StatsFigures):
    agency: AgencyRef = Field(description="Its figures include its whole subtree, as the list's `agency` filter.")


class DayCount(_Out):
    day: date = Field(description="A Jakarta (WIB) calendar day.")
    arrivals: int
    closures: int


class Stats(_Out):
    """The caller's scope, as the report list has it: per officer, per sub-agency, and per day."""

    generated_at: datetime
    window_start: datetime = Field(description="Start of the first day of the 30-day window (WIB midnight).")
    total: StatsFigures
    officers: list[OfficerStats]
    agencies: list[AgencyStats] = Field(
        description="The caller's agency's direct sub-agencies, and the caller's agency itself for the reports "
        "it holds directly."
    )
    days: list[DayCount] = Field(description="The 30 days of the window, oldest first.")


# --- writes ---------------------------------------------------------------------------------


class AssignRequest(_In):
    officer: Username


class CloseRequest(_In):
    resolution: ResolutionName = Field(
        description="`bukan wewenang`, `duplikat` or `tidak valid`; `selesai` comes only through validation (422)."
    )
    note: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    duplicate_of: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None


class RouteRequest(_In):
    """Coordinate (to any other agency) or dispose (to a Suku Dinas of the report's Dinas)."""

    agency: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    note: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class ValidateRequest(_In):
    decision: Literal["accept", "reject"]
    reason: Annotated[str, StringConstraints(max_length=20_000)] | None = Field(
        None, description="Required to reject: what the officer must do again."
    )


class ReopenRequest(_In):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class NoteRequest(_In):
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


# --- events ---------------------------------------------------------------------------------


class Event(_Out):
    """The `data` of one Server-Sent Event; its SSE `id` and `event` repeat `id` and `type`."""

    id: int
    type: EventType
    at: datetime
    actor: OperatorRef | None = Field(description="Who made the change; null: the intake channel.")
    report: ReportSummary


# --- intake ---------------------------------------------------------------------------------


class IntakeLocation(_In):
    address: Annotated[str, StringConstraints(max_length=2_000)] = ""
    kelurahan: str = Field(description="A kelurahan code from /agencies.")
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class IntakeReporter(_In):
    name: Annotated[str, StringConstraints(max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    nik: Annotated[str, StringConstraints(max_length=32)] | None = None
    account: Annotated[str, StringConstraints(max_length=200)] | None = None


class IntakeContent(_In):
    """What every citizen channel brings: the report, where, and who (for the reporter table only)."""

    category: str
    title: Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
    description: Annotated[str, StringConstraints(max_length=1_100_000)] = ""
    location: IntakeLocation
    private: bool = Field(True, description="Private by default, as JAKI is since July 2021.")
    reporter: IntakeReporter | None = None


class IntakeReport(IntakeContent):
    channel: ChannelName
    photo: str | None = Field(None, description="Base64 JPEG or PNG, at most 5 MB decoded.")


class IntakeAccepted(_Out):
    number: str
