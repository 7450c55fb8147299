"""The console offers no write the server's transition table refuses a role: an observer none,
a validator notes only, an officer never closes directly; the routing roles close only what the
table lets them (not a follow-up awaiting validation)."""

from __future__ import annotations

from typing import get_args

import pytest

from api_client.models import AgencyRef, Operator, ReportStatus
from crm_tui import permissions
from tests.widgets.fixtures import BUDI, KEL, summary

pytestmark = pytest.mark.usefixtures("english_ui")


def me(role: str, username: str = "someone") -> Operator:
    return Operator(username=username, display_name=username, role=role, agency=AgencyRef(**KEL))


ACTIONS = ("assign", "claim", "close", "note")


@pytest.mark.parametrize("status", list(ReportStatus))
def test_an_observer_is_offered_no_write(status):
    report = summary(0, status=status.value)
    for action in ACTIONS:
        assert permissions.refusal(action, me("observer"), report) == "Read-only: observers do not change reports."
        assert action in permissions.NEVER_FOR_ROLE["observer"]


@pytest.mark.parametrize("status", list(ReportStatus))
def test_a_validator_notes_and_does_not_route_or_close(status):
    report = summary(0, status=status.value)
    assert permissions.refusal("note", me("validator"), report) is None
    for action in ("assign", "claim", "close"):
        assert permissions.refusal(action, me("validator"), report) is not None
        assert action in permissions.NEVER_FOR_ROLE["validator"]


def test_an_officer_never_closes_even_their_own_report():
    report = summary(0, status="Proses", assignee=BUDI)
    assert "close" in permissions.NEVER_FOR_ROLE["officer"]
    why = permissions.refusal("close", me("officer", BUDI["username"]), report)
    assert why == (
        "Only dispatchers and supervisors close reports directly; officers submit a follow-up for validation."
    )
    assert permissions.refusal("note", me("officer", BUDI["username"]), report) is None


@pytest.mark.parametrize(
    ("status", "closable"),
    [(s, s not in (ReportStatus.MENUNGGU_VALIDASI, ReportStatus.SELESAI)) for s in ReportStatus],
)
def test_the_routing_roles_close_what_the_table_allows(status, closable):
    report = summary(0, status=status.value)
    for role in ("dispatcher", "supervisor"):
        assert (permissions.refusal("close", me(role), report) is None) is closable


@pytest.mark.parametrize("role", ["officer", "dispatcher", "supervisor", "validator", "observer"])
def test_the_routing_and_reopening_keys_follow_the_servers_transition_table(role):
    from crm_server.lifecycle import Action, refusal
    from crm_server.roles import Role
    from crm_server.statuses import Status

    for action in ("assign", "close", "coordinate", "dispose", "reopen"):
        for status in ReportStatus:
            report = summary(0, status=status.value)
            server = refusal(Action(action), Status[status.name], Role(role), is_assignee=False, held_by_other=False)
            console = permissions.refusal(action, me(role), report)
            assert (console is None) is (server is None), (action, status, role, console, server)
            if action in permissions.NEVER_FOR_ROLE[role]:
                assert server == "role", (action, role)


def test_what_the_server_allows_on_a_full_report_has_the_last_word():
    from tests.widgets import fixtures

    supervisor = me("supervisor")
    closed = fixtures.report(0, status="Selesai", allowed_actions=["reopen", "note"])
    assert permissions.refusal("reopen", supervisor, closed) is None
    too_late = fixtures.report(0, status="Selesai", allowed_actions=["note"])
    assert permissions.refusal("reopen", supervisor, too_late) == (
        "Cannot reopen: the report was closed more than 30 days ago."
    )
    handed_on = fixtures.report(0, status="Koordinasi", allowed_actions=[])
    assert permissions.refusal("note", me("dispatcher"), handed_on).startswith("Read-only: ")


# The console's name of each write key's permission -> the server's action.
SERVER_ACTION = {
    "assign": "assign",
    "claim": "claim",
    "close": "close",
    "note": "note",
    "coordinate": "coordinate",
    "dispose": "dispose",
    "reopen": "reopen",
    "follow_up": "follow-up",
    "validate": "validate",
}
ROLES = ("officer", "dispatcher", "supervisor", "validator", "observer")


def test_every_key_is_hidden_for_exactly_the_roles_the_server_never_lets_do_it():
    from crm_server.lifecycle import TABLE, Action
    from crm_server.roles import Role

    assert set(SERVER_ACTION) == set(get_args(permissions.Action))
    for role in ROLES:
        for action, server_action in SERVER_ACTION.items():
            never = Role(role) not in TABLE[Action(server_action)].roles
            assert (action in permissions.NEVER_FOR_ROLE[role]) is never, (role, action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("assigned_to_me", [False, True], ids=["another's", "mine"])
def test_the_follow_up_and_validate_keys_follow_the_servers_transition_table(role, assigned_to_me):
    from crm_server.lifecycle import Action, refusal
    from crm_server.roles import Role
    from crm_server.statuses import Status

    caller = me(role, BUDI["username"] if assigned_to_me else "someone")
    for action in ("follow_up", "validate"):
        for status in ReportStatus:
            report = summary(0, status=status.value, assignee=BUDI)
            server = refusal(
                Action(SERVER_ACTION[action]),
                Status[status.name],
                Role(role),
                is_assignee=assigned_to_me,
                held_by_other=not assigned_to_me,
            )
            console = permissions.refusal(action, caller, report)
            assert (console is None) is (server is None), (action, status, role, console, server)


def test_why_follow_up_and_validate_are_refused():
    awaiting = summary(0, status="Menunggu Validasi", assignee=BUDI)
    in_process = summary(0, status="Proses", assignee=BUDI)
    assert permissions.refusal("validate", me("validator"), awaiting) is None
    assert permissions.refusal("validate", me("validator"), in_process) == (
        "Cannot validate: the report is Proses; only a Menunggu Validasi report."
    )
    assert permissions.refusal("validate", me("supervisor"), awaiting) == (
        "Only validators (the Biro Pemerintahan) validate a follow-up."
    )
    assert permissions.refusal("validate", me("observer"), awaiting) == "Read-only: observers do not change reports."
    officer = me("officer", BUDI["username"])
    assert permissions.refusal("follow_up", officer, in_process) is None
    assert permissions.refusal("follow_up", officer, awaiting) == (
        "Cannot submit a follow-up: the report is Menunggu Validasi; only a Proses or TL Ditolak report."
    )
    assert permissions.refusal("follow_up", me("officer", "officer2"), in_process) == (
        "Cannot submit a follow-up: the report is not assigned to you."
    )
