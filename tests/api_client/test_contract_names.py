"""The client's names for what the server sends (roles, actions, event types, statuses) are the
server's: the client never imports the server, so the two lists are kept equal here."""

from __future__ import annotations

from typing import get_args

from api_client import models, sse
from crm_server import lifecycle
from crm_server.roles import Role
from crm_server.statuses import STATUS_LABELS


def test_the_client_knows_every_role_action_event_and_status_the_server_sends():
    assert set(get_args(models.Role)) == {str(role) for role in Role}
    assert set(get_args(models.Action)) == set(lifecycle.ACTION_NAMES)
    assert set(get_args(models.EventType)) == set(lifecycle.EVENT_TYPES)
    assert set(sse.EVENT_TYPES) == set(lifecycle.EVENT_TYPES)  # none dropped from the stream
    assert [status.value for status in models.ReportStatus] == list(STATUS_LABELS)
