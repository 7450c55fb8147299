"""Concurrent writers on one SQLite file: one winner per version, 412 for the rest, retries that
apply once, and never a 5xx or "database is locked"."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import httpx

from tests.crm_server.helpers import API, DISPLAY_NAMES, Api, log_through, marker

LOCKED = "database is locked"


def async_client(api: Api) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=api.server.base_url + API, timeout=60, limits=httpx.Limits(max_connections=50))


async def test_two_assigns_from_one_version_one_wins_one_gets_412(api: Api):
    number = api.submit()
    etag = api.etag(number)
    attempts = [("dispatcher", "officer"), ("supervisor", "officer2")]
    async with async_client(api) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/reports/{number}/assign",
                    json={"officer": officer},
                    headers={**api.auth(user), "If-Match": etag},
                )
                for user, officer in attempts
            )
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 412], [r.text for r in responses]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    loser = responses[1 - winner].json()
    winner_user, winner_officer = attempts[winner]
    assert loser["error"] == "precondition_failed"
    assert loser["changed_by"] == DISPLAY_NAMES[winner_user]
    assert loser["current_version"] == 2
    assert responses[1 - winner].headers["etag"] == '"2"'
    detail, now = api.detail("supervisor", number)
    assert now == '"2"' and detail["assignee"]["username"] == winner_officer
    assert [h["action"] for h in detail["history"]] == ["created", "assigned"]


async def test_concurrent_retries_with_one_key_apply_once(api: Api):
    number = api.submit()
    etag, key = api.etag(number), marker("IDEM")
    headers = {**api.auth("dispatcher"), "If-Match": etag, "Idempotency-Key": key}
    async with async_client(api) as client:
        responses = await asyncio.gather(
            *(client.post(f"/reports/{number}/assign", json={"officer": "officer"}, headers=headers) for _ in range(5))
        )
    assert [r.status_code for r in responses] == [200] * 5, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    detail, now = api.detail("supervisor", number)
    assert now == '"2"'
    assert [h["action"] for h in detail["history"]].count("assigned") == 1


async def test_twenty_concurrent_writers_no_5xx_and_no_lock_errors(api: Api):
    """20 clients at once, each doing a few writes: assigns, notes and closes on reports of their
    own, and contended writes on shared reports, plus new reports arriving by intake."""
    own = [api.submit() for _ in range(12)]
    shared_note, shared_assign, shared_close = api.submit(), api.submit(), api.submit()
    etags = {n: api.etag(n) for n in (*own, shared_assign, shared_close)}
    officers = itertools.cycle(["officer", "officer2", "officer3"])
    users = ["dispatcher", "supervisor", "supervisor.jp"]
    for user in users:
        api.token(user)  # log in up front: the test is about writes

    async def worker(i: int, client: httpx.AsyncClient) -> list[tuple[str, httpx.Response]]:
        user = users[i % len(users)]
        auth = api.auth(user)
        done = []
        if i < len(own):
            number = own[i]
            r = await client.post(
                f"/reports/{number}/assign",
                json={"officer": next(officers)},
                headers={**auth, "If-Match": etags[number]},
            )
            done.append(("assign-own", r))
            r = await client.post(f"/reports/{number}/notes", json={"text": f"catatan {i}"}, headers=auth)
            done.append(("note-own", r))
            if i % 2 == 0 and done[0][1].status_code == 200:
                r = await client.post(
                    f"/reports/{number}/close",
                    json={"resolution": "tidak valid", "note": "ok"},
                    headers={**auth, "If-Match": done[0][1].headers["etag"]},
                )
                done.append(("close-own", r))
        else:
            r = await client.post(
                f"/reports/{shared_assign}/assign",
                json={"officer": next(officers)},
                headers={**auth, "If-Match": etags[shared_assign]},
            )
            done.append(("assign-shared", r))
            r = await client.post(
                f"/reports/{shared_close}/close",
                json={"resolution": "tidak valid", "note": f"{i}"},
                headers={**auth, "If-Match": etags[shared_close]},
            )
            done.append(("close-shared", r))
            r = await client.post("/intake/reports", json=api.intake_body(), headers={"X-Intake-Key": api.intake_key})
            done.append(("intake", r))
        r = await client.post(f"/reports/{shared_note}/notes", json={"text": f"bersama {i}"}, headers=auth)
        done.append(("note-shared", r))
        return done

    async with async_client(api) as client:
        results = await asyncio.gather(*(worker(i, client) for i in range(20)))
    outcomes = [(kind, r) for result in results for kind, r in result]

    for kind, response in outcomes:
        assert response.status_code < 500, (kind, response.status_code, response.text)
        assert LOCKED not in response.text.lower()
    by_kind = Counter((kind, r.status_code) for kind, r in outcomes)
    # Reports of their own: every write applies.
    assert by_kind[("assign-own", 200)] == len(own)
    assert by_kind[("note-own", 201)] == len(own)
    assert by_kind[("close-own", 200)] == len(own) // 2
    assert by_kind[("intake", 201)] == 8
    # Shared reports, all writers from one version: exactly one winner each, the rest 412.
    assert by_kind[("assign-shared", 200)] == 1 and by_kind[("assign-shared", 412)] == 7
    assert by_kind[("close-shared", 200)] == 1 and by_kind[("close-shared", 412)] == 7
    # Notes do not compete: all 20 land.
    assert by_kind[("note-shared", 201)] == 20
    assert len(api.detail("supervisor", shared_note)[0]["notes"]) == 20
    for number in own:
        detail, etag = api.detail("supervisor", number)
        closed = detail["status"] == "Selesai"
        assert detail["version"] == 2 + closed and etag == f'"{detail["version"]}"'
    for _, response in outcomes:  # each access line is written just after its response went out
        log = log_through(api.server, response.headers["x-request-id"])
    assert LOCKED not in log.lower()
    assert "unhandled" not in log
