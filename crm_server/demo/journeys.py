"""How a demo report reached its status: the steps of the transition table it went through, each
checked against that table (crm_server/lifecycle.py) for the role that took it, as the server
checks a request. The seeder writes each step as the history row (and handoff or follow-up row)
the service would have written, so every demo report's history explains its status.

Routing stays realistic: a report is assigned only where its agency has an officer, routed by
its agency's dispatcher (or, where the agency has none, the DKI supervisor), validated by the
demo validator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from crm_server.lifecycle import Action, refusal
from crm_server.roles import Role
from crm_server.services.directory import AgencyInfo, Directory
from crm_server.statuses import Resolution, Status

# Coordinated reports go from a kelurahan to this Dinas, which disposes them to its Suku Dinas.
ROUTE_DINAS = "DBM"
DIRECT_CLOSE_SHARE = 0.15  # of Selesai reports: closed as not the agency's (no validation)
REJECT_SHARE = 0.3  # of validated reports: rejected once first
RESPONSES = (
    "Sudah ditindaklanjuti: lokasi telah diperbaiki.",
    "Petugas sudah membersihkan lokasi.",
    "Sudah ditangani bersama kelurahan.",
)
REJECT_REASONS = ("Foto bukti tidak menunjukkan lokasi yang dilaporkan.", "Perbaikan belum tuntas.")
CLOSE_NOTES = {
    Resolution.BUKAN_WEWENANG: "Bukan kewenangan Pemprov DKI.",
    Resolution.TIDAK_VALID: "Lokasi tidak ditemukan.",
}


@dataclass(frozen=True)
class Staff:
    """The demo operators' ids by role and agency."""

    officers: dict[str, list[int]]
    dispatchers: dict[str, int]
    supervisor: int
    validator: int
    roles: dict[int, Role]
    usernames: dict[int, str]


@dataclass
class Step:
    action: str  # the history action
    actor: int
    from_status: Status
    to_status: Status | None
    detail: str | None = None
    note: str | None = None
    handoff: tuple[str, str, str] | None = None  # (kind, from agency, to agency)
    follow_up: str | None = None  # the response of a new round
    decision: tuple[str, str | None] | None = None  # (accept|reject, reason) on the last round


@dataclass
class Journey:
    status: Status
    agency: AgencyInfo
    assignee: int | None = None
    resolution: str | None = None
    steps: list[Step] = field(default_factory=list)


def _take(journey: Journey, staff: Staff, action: Action, actor: int, to: Status | None, **kw: object) -> None:
    role = staff.roles[actor]
    is_assignee = journey.assignee == actor
    held = journey.assignee is not None and not is_assignee
    why = refusal(action, journey.status, role, is_assignee=is_assignee, held_by_other=held)
    if why is not None:
        raise AssertionError(f"the demo took {action} as {role} from {journey.status.label}: {why}")
    journey.steps.append(Step(_HISTORY[action], actor, journey.status, to, **kw))  # type: ignore[arg-type]
    if to is not None:
        journey.status = to


_HISTORY = {
    Action.ASSIGN: "assigned",
    Action.COORDINATE: "coordinated",
    Action.DISPOSE: "disposed",
    Action.FOLLOW_UP: "followed_up",
    Action.CLOSE: "closed",
}


def _router(staff: Staff, agency: AgencyInfo) -> int:
    return staff.dispatchers.get(agency.code, staff.supervisor)


def journey(
    rng: random.Random, directory: Directory, staff: Staff, arrived_at: AgencyInfo, kelurahan: AgencyInfo, goal: Status
) -> Journey:
    """The steps from Menunggu at `arrived_at` towards `goal`; it stops short of a goal the
    agency cannot reach (no officer to follow up: a direct close or Menunggu instead)."""
    j = Journey(Status.MENUNGGU, arrived_at)
    r = rng.random
    # Koordinasi and Disposisi: a kelurahan's report that is the Dinas's duty; a kelurahan without
    # officers of its own hands on some of what it would otherwise close.
    unstaffed = arrived_at.code not in staff.officers
    routed = goal in (Status.KOORDINASI, Status.DISPOSISI) or (goal is Status.SELESAI and unstaffed and r() < 0.1)
    if routed and arrived_at.kind == "kelurahan":
        dinas = directory.agencies[ROUTE_DINAS]
        _take(
            j, staff, Action.COORDINATE, _router(staff, j.agency), Status.KOORDINASI,
            detail=f"{j.agency.code} -> {dinas.code}", note="Bukan tupoksi kelurahan: kewenangan Dinas.",
            handoff=("coordinate", j.agency.code, dinas.code),
        )  # fmt: skip
        j.agency = dinas
        if goal is Status.KOORDINASI:
            return j
        city = directory.agencies[directory.agencies[kelurahan.parent_code or ""].parent_code or ""]
        suku = directory.agencies[f"{dinas.code}.{city.code}"]
        _take(
            j, staff, Action.DISPOSE, _router(staff, j.agency), Status.DISPOSISI,
            detail=f"{dinas.code} -> {suku.code}", note="Untuk ditangani Suku Dinas wilayah.",
            handoff=("dispose", dinas.code, suku.code),
        )  # fmt: skip
        j.agency = suku
        if goal is Status.DISPOSISI:
            return j
    elif goal in (Status.KOORDINASI, Status.DISPOSISI):
        return j  # a report that did not land at a kelurahan: it waits
    if goal is Status.MENUNGGU:
        return j
    officers = staff.officers.get(j.agency.code)
    if goal is Status.SELESAI and (not officers or r() < DIRECT_CLOSE_SHARE):
        resolution = Resolution.BUKAN_WEWENANG if r() < 0.5 else Resolution.TIDAK_VALID
        _take(
            j, staff, Action.CLOSE, _router(staff, j.agency), Status.SELESAI,
            detail=f"resolution: {resolution}", note=CLOSE_NOTES[resolution],
        )  # fmt: skip
        j.resolution = resolution
        return j
    if not officers:
        return j  # nobody there to follow up: it waits
    officer = officers[int(r() * len(officers))]
    _take(
        j, staff, Action.ASSIGN, _router(staff, j.agency), Status.PROSES, detail=f"officer: {staff.usernames[officer]}"
    )
    j.assignee = officer
    if goal is Status.PROSES:
        return j
    rejections = 1 if goal is Status.TL_DITOLAK or (goal is Status.SELESAI and r() < REJECT_SHARE) else 0
    for _ in range(rejections):
        _follow_up(j, staff, rng)
        _validate(j, staff, "reject", REJECT_REASONS[int(r() * len(REJECT_REASONS))])
    if goal is Status.TL_DITOLAK:
        return j
    _follow_up(j, staff, rng)
    if goal is Status.SELESAI:
        _validate(j, staff, "accept", None)
        j.resolution = Resolution.SELESAI
    return j


def _follow_up(j: Journey, staff: Staff, rng: random.Random) -> None:
    response = RESPONSES[int(rng.random() * len(RESPONSES))]
    assert j.assignee is not None
    _take(j, staff, Action.FOLLOW_UP, j.assignee, Status.MENUNGGU_VALIDASI, follow_up=response)


def _validate(j: Journey, staff: Staff, decision: str, reason: str | None) -> None:
    role = staff.roles[staff.validator]
    why = refusal(Action.VALIDATE, j.status, role, is_assignee=False, held_by_other=j.assignee is not None)
    if why is not None:
        raise AssertionError(f"the demo validated from {j.status.label}: {why}")
    to = Status.SELESAI if decision == "accept" else Status.TL_DITOLAK
    action = "accepted" if decision == "accept" else "rejected"
    j.steps.append(Step(action, staff.validator, j.status, to, note=reason, decision=(decision, reason)))
    j.status = to
