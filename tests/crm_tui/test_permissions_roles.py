"""The console offers no write the server's transition table refuses a role: an observer none,
a validator notes only, an officer never closes directly; the routing roles close only what the
table lets them (not a follow-up awaiting validation)."""

from __future__ import annotations

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
