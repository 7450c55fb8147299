"""The Jakarta follow-up lifecycle as one table: which role may take which action from which
status, and where it leads. The services enforce it; the demo seeder walks it; the 409 of a
refused transition names what the table allows instead.

Beyond the table, two conditions concern the caller's relation to the report: an officer
follows up (and notes) only a report assigned to them, and claims only one nobody holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crm_server.roles import Role
from crm_server.statuses import Resolution, Status


class Action(StrEnum):
    """Named as the endpoints are (`POST /reports/{n}/<action>`; `notes` is `note`)."""

    ASSIGN = "assign"
    CLAIM = "claim"  # an officer assigns an unassigned report to themselves (the assign endpoint)
    COORDINATE = "coordinate"
    DISPOSE = "dispose"
    CLOSE = "close"
    FOLLOW_UP = "follow-up"
    VALIDATE = "validate"
    REOPEN = "reopen"
    NOTE = "note"


ACTION_NAMES: tuple[str, ...] = tuple(str(action) for action in Action)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    from_statuses: frozenset[Status]
    to_status: Status | None  # None: the status stays (a note), or the request decides (validate)
    assignee_only: bool = False  # the caller must be the report's assigned officer


_S = Status
_ROUTING = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
_BEFORE_FOLLOW_UP = frozenset({_S.MENUNGGU, _S.KOORDINASI, _S.DISPOSISI, _S.PROSES, _S.TL_DITOLAK})
_UNROUTED = frozenset({_S.MENUNGGU, _S.KOORDINASI, _S.DISPOSISI})

TABLE: dict[Action, Rule] = {
    # Accepting a report (or moving it to another officer) starts or restarts the follow-up.
    Action.ASSIGN: Rule(_ROUTING, _BEFORE_FOLLOW_UP, _S.PROSES),
    Action.CLAIM: Rule(frozenset({Role.OFFICER}), _BEFORE_FOLLOW_UP, _S.PROSES),
    # Not this agency's duty (tupoksi): to the agency whose it is, before anyone works on it.
    Action.COORDINATE: Rule(_ROUTING, _UNROUTED, _S.KOORDINASI),
    # A Dinas hands a report down to one of its Suku Dinas.
    Action.DISPOSE: Rule(_ROUTING, frozenset({_S.MENUNGGU, _S.KOORDINASI}), _S.DISPOSISI),
    # Direct closing: bukan wewenang, duplikat, tidak valid. Selesai only through validation,
    # and a follow-up awaiting validation is the validator's to decide.
    Action.CLOSE: Rule(_ROUTING, _BEFORE_FOLLOW_UP, _S.SELESAI),
    Action.FOLLOW_UP: Rule(
        frozenset({Role.OFFICER}), frozenset({_S.PROSES, _S.TL_DITOLAK}), _S.MENUNGGU_VALIDASI, True
    ),
    # accept: Selesai; reject: TL Ditolak, back to the same officer.
    Action.VALIDATE: Rule(frozenset({Role.VALIDATOR}), frozenset({_S.MENUNGGU_VALIDASI}), None),
    Action.REOPEN: Rule(frozenset({Role.SUPERVISOR, Role.VALIDATOR}), frozenset({_S.SELESAI}), _S.PROSES),
    Action.NOTE: Rule(frozenset({*_ROUTING, Role.VALIDATOR, Role.OFFICER}), frozenset(Status), None),
}

# Officers note only what is assigned to them; the routing roles and validators note anything in scope.
_NOTE_ASSIGNEE_ONLY = frozenset({Role.OFFICER})

REOPEN_WITHIN_DAYS = 30

# What each change is called in the history and the event stream.
EVENT_TYPES: tuple[str, ...] = (
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
)
DIRECT_RESOLUTIONS = (Resolution.BUKAN_WEWENANG, Resolution.DUPLIKAT, Resolution.TIDAK_VALID)


class Refusal(StrEnum):
    """Why the table refuses; the API answers 403 for a role, 409 for a status."""

    ROLE = "role"
    NOT_ASSIGNEE = "not_assignee"
    STATUS = "status"


def refusal(action: Action, status: Status, role: Role, *, is_assignee: bool, held_by_other: bool) -> Refusal | None:
    """None when `role` may take `action` on a report in `status`. `is_assignee`: the caller is
    the report's officer; `held_by_other`: another officer holds it (a claim is refused)."""
    rule = TABLE[action]
    if role not in rule.roles:
        return Refusal.ROLE
    if status not in rule.from_statuses:
        return Refusal.STATUS
    if (rule.assignee_only or (action is Action.NOTE and role in _NOTE_ASSIGNEE_ONLY)) and not is_assignee:
        return Refusal.NOT_ASSIGNEE
    if action is Action.CLAIM and held_by_other:
        return Refusal.NOT_ASSIGNEE
    return None


def allowed_actions(status: Status, role: Role, *, is_assignee: bool, held_by_other: bool) -> list[str]:
    """What `role` may do to a report in `status`, in the table's order (what a 409 names)."""
    return [
        str(action)
        for action in TABLE
        if refusal(action, status, role, is_assignee=is_assignee, held_by_other=held_by_other) is None
    ]
