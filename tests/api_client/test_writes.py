"""Assign, close and note against the real server: versions, If-Match, idempotency, and the
errors each refusal maps to. Every test claims reports of its own on this module's server."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from api_client import (
    Conflict,
    Forbidden,
    PreconditionFailed,
    PreconditionRequired,
    ReportQuery,
    ReportStatus,
    Resolution,
    ValidationError,
    new_idempotency_key,
)
from tests.api_client.conftest import DISPLAY_NAMES, Recorder


@pytest.fixture
async def dispatcher(client_for, write_server):
    return await client_for("dispatcher", server=write_server)


async def _claim(client, claims, query: ReportQuery, count: int = 1):
    rows = [r async for page in client.iter_pages(query, limit=500) for r in page.items]
    return [await client.get_report(n) for n in claims.take([r.number for r in rows], count)]


UNASSIGNED = ReportQuery(status=("Menunggu", "TL Ditolak"), assignee="unassigned")
IN_PROGRESS = ReportQuery(status=("Proses",))


def _count(report, action: str) -> int:
    return sum(entry.action == action for entry in report.history)


async def test_assign_moves_to_proses_and_bumps_the_version(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, UNASSIGNED)
    assigned = await dispatcher.assign(report, "officer2")
    assert assigned.status is ReportStatus.PROSES
    assert assigned.assignee.username == "officer2"
    assert assigned.version == report.version + 1
    assert assigned.etag == f'"{assigned.version}"'
    assert _count(assigned, "assigned") == _count(report, "assigned") + 1
    assert (await dispatcher.get_report(report.number)).version == assigned.version


async def test_close_then_close_again_is_a_conflict(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, IN_PROGRESS)
    closed = await dispatcher.close(report, Resolution.TIDAK_VALID, "Lokasi tidak ditemukan.")
    assert closed.status is ReportStatus.SELESAI and closed.resolution is Resolution.TIDAK_VALID
    assert closed.history[-1].note == "Lokasi tidak ditemukan."
    with pytest.raises(Conflict) as caught:
        await dispatcher.close(closed, "tidak valid", "again")
    assert caught.value.status_code == 409 and caught.value.message == "A report in Selesai does not allow this."
    # What the dispatcher may still do to it, by the server's transition table.
    assert caught.value.status == "Selesai" and caught.value.allowed_actions == ("note",)


async def test_close_as_duplicate_names_the_original(dispatcher, claims):
    report, original = await _claim(dispatcher, claims, IN_PROGRESS, count=2)
    closed = await dispatcher.close(report, "duplikat", "Sama dengan laporan lain.", duplicate_of=original.number)
    assert closed.duplicate_of == original.number and closed.resolution is Resolution.DUPLIKAT


async def test_add_note_keeps_the_version(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, IN_PROGRESS)
    note = await dispatcher.add_note(report.number, "Petugas sudah di lokasi.")
    assert note.text == "Petugas sudah di lokasi." and note.author.username == "dispatcher"
    assert note.at.tzinfo is not None
    again = await dispatcher.get_report(report.number)
    assert again.version == report.version
    assert [n.id for n in again.notes][-1] == note.id
    # A note does not invalidate the ETag the operator holds: an assign from the old copy works.
    assert (await dispatcher.assign(report, "officer3")).assignee.username == "officer3"


async def test_stale_version_is_precondition_failed_with_who_changed_it(client_for, write_server, dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, UNASSIGNED)
    supervisor = await client_for("supervisor", server=write_server)
    stale = await supervisor.get_report(report.number)

    fresh = await dispatcher.assign(report, "officer")
    with pytest.raises(PreconditionFailed) as caught:
        await supervisor.assign(stale, "officer2")
    error = caught.value
    assert error.status_code == 412 and error.code == "precondition_failed"
    assert error.current_version == fresh.version
    assert error.changed_by == DISPLAY_NAMES["dispatcher"]
    assert error.changed_at is not None and error.changed_at.tzinfo is not None
    assert error.request_id
    assert (await supervisor.get_report(report.number)).assignee.username == "officer"


async def test_an_officer_may_not_route_to_another_officer(client_for, write_server, dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, UNASSIGNED)
    officer = await client_for("officer", server=write_server)
    with pytest.raises(Forbidden) as caught:
        await officer.assign(report, "officer2")
    assert caught.value.status_code == 403
    # Claiming it for themselves is allowed.
    assert (await officer.assign(report, "officer")).assignee.username == "officer"


async def test_unassignable_officer_is_a_validation_error(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, IN_PROGRESS)
    with pytest.raises(ValidationError) as caught:
        await dispatcher.assign(report, "dispatcher")
    assert caught.value.status_code == 422 and caught.value.code == "validation_error"
    assert caught.value.message == "That officer cannot be assigned this report."


async def test_an_etag_the_server_cannot_read_is_precondition_required(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, IN_PROGRESS)
    with pytest.raises(PreconditionRequired) as caught:
        await dispatcher.assign(msgspec.structs.replace(report, etag="W/garbage"), "officer2")
    assert caught.value.status_code == 428
    assert isinstance(caught.value, ValidationError)


async def test_the_same_key_applies_once(dispatcher, claims):
    (report,) = await _claim(dispatcher, claims, UNASSIGNED)
    key = new_idempotency_key()
    first = await dispatcher.assign(report, "officer2", idempotency_key=key)
    # The operator's retry of the same action, from the same (now stale) copy: replayed, not a 412.
    second = await dispatcher.assign(report, "officer2", idempotency_key=key)
    assert second == first
    assert _count(await dispatcher.get_report(report.number), "assigned") == _count(report, "assigned") + 1
    # The same key for another action is refused.
    with pytest.raises(ValidationError):
        await dispatcher.assign(report, "officer3", idempotency_key=key)


class LoseFirstPostResponse(httpx.AsyncBaseTransport):
    """Delivers the first POST to the real server, then loses its response (a dropped connection
    after the server committed). Everything else passes through."""

    def __init__(self) -> None:
        self.real = Recorder()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.real.handle_async_request(request)
        if request.method == "POST" and not request.url.path.endswith("/login") and not self.lost:
            await response.aread()
            await response.aclose()
            self.lost += 1
            raise httpx.ReadError("connection reset after the request was sent")
        return response

    async def aclose(self) -> None:
        await self.real.aclose()


@pytest.mark.parametrize("action", ["assign", "close", "note"])
async def test_a_lost_response_is_retried_with_the_same_key_and_applied_once(client_for, write_server, claims, action):
    transport = LoseFirstPostResponse()
    client = await client_for("dispatcher", server=write_server, transport=transport)
    (report,) = await _claim(client, claims, IN_PROGRESS)

    if action == "assign":
        officer = "officer2" if report.assignee.username != "officer2" else "officer3"
        result = await client.assign(report, officer)
        assert result.assignee.username == officer
    elif action == "close":
        result = await client.close(report, "bukan wewenang", "Kewenangan instansi pusat.")
        assert result.status is ReportStatus.SELESAI
    else:
        result = await client.add_note(report.number, "Dicek ulang.")
        assert result.text == "Dicek ulang."

    posts = [r for r in transport.real.requests if r.method == "POST" and "/login" not in r.url.path]
    assert transport.lost == 1 and len(posts) == 2
    keys = {r.headers["Idempotency-Key"] for r in posts}
    assert len(keys) == 1 and next(iter(keys))
    if action != "note":
        assert {r.headers["If-Match"] for r in posts} == {report.etag}
    after = await client.get_report(report.number)
    entry = {"assign": "assigned", "close": "closed", "note": "noted"}[action]
    assert _count(after, entry) == _count(report, entry) + 1
    if action == "note":
        assert [n.text for n in after.notes].count("Dicek ulang.") == 1


async def test_each_call_without_a_key_gets_its_own(client_for, write_server, claims):
    recorder = Recorder()
    client = await client_for("dispatcher", server=write_server, transport=recorder)
    (report,) = await _claim(client, claims, IN_PROGRESS)
    await client.add_note(report.number, "satu")
    await client.add_note(report.number, "dua")
    keys = [r.headers["Idempotency-Key"] for r in recorder.requests if r.url.path.endswith("/notes")]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert [n.text for n in (await client.get_report(report.number)).notes][-2:] == ["satu", "dua"]
