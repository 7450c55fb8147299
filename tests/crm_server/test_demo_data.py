"""The demo's reports reached their statuses through the lifecycle: each history chains from
Menunggu to the report's status, a report being followed up has its officer, one awaiting
validation has its follow-up round, and some evidence is flagged as reused."""

from __future__ import annotations

import itertools
from collections import defaultdict

from crm_server.statuses import Status
from tests.crm_server.helpers import Api
from tests.support.server import query


def test_every_history_explains_its_status(api: Api):
    chains: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
    for report_id, from_status, to_status in query(
        api.server.db, "SELECT report_id, from_status, to_status FROM history WHERE to_status IS NOT NULL ORDER BY id"
    ):
        chains[report_id].append((from_status, to_status))
    reports = query(api.server.db, "SELECT id, status, assignee_id FROM reports")
    assert len(reports) >= 300
    for report_id, status, assignee in reports:
        chain = chains[report_id]
        assert chain[0] == (None, Status.MENUNGGU), report_id
        for (_, reached), (left, _) in itertools.pairwise(chain):
            assert left == reached, (report_id, chain)
        assert chain[-1][1] == status, (report_id, chain, status)
        if status in (Status.PROSES, Status.MENUNGGU_VALIDASI, Status.TL_DITOLAK):
            assert assignee is not None, report_id


def test_every_report_awaiting_validation_has_its_round_and_statuses_all_show(api: Api):
    waiting = query(
        api.server.db,
        "SELECT r.id, count(f.id) FROM reports r LEFT JOIN follow_ups f"
        " ON f.report_id = r.id AND f.decision IS NULL WHERE r.status = 5 GROUP BY r.id",
    )
    assert waiting and all(rounds == 1 for _, rounds in waiting)
    shown = {status for (status,) in query(api.server.db, "SELECT DISTINCT status FROM reports")}
    assert {Status.MENUNGGU, Status.PROSES, Status.MENUNGGU_VALIDASI, Status.TL_DITOLAK, Status.SELESAI} <= shown


def test_some_demo_evidence_is_flagged_as_reused(api: Api):
    flagged = query(
        api.server.db,
        "SELECT r.number, e.similar_to FROM evidence e JOIN reports r ON r.id = e.report_id"
        " WHERE e.similar_to IS NOT NULL",
    )
    assert flagged and all(number != other for number, other in flagged)
    numbers = {n for (n,) in query(api.server.db, "SELECT number FROM reports")}
    assert {other for _, other in flagged} <= numbers


def test_a_validator_and_an_observer_are_demo_operators(api: Api):
    assert api.get("validator", "/me").json()["role"] == "validator"
    assert api.get("observer", "/me").json()["role"] == "observer"
