"""The client's lifecycle methods against the real server: coordinate, dispose, follow-up with
evidence photos, validate, reopen, evidence bytes, the handed-on and validation-queue queries,
and the errors a refused transition maps to. Each test submits the reports it acts on."""

from __future__ import annotations

import hashlib

import pytest

from api_client import (
    VALIDATION_QUEUE,
    Conflict,
    CrmClient,
    Forbidden,
    InvalidArgument,
    ReportQuery,
    ReportStatus,
    Resolution,
)
from tests.crm_server.helpers import Api, encoded, scene
from tests.support.server import ServerProcess


@pytest.fixture
def submit(write_server: ServerProcess):
    """A new report of the test's own at the dispatcher's kelurahan (Menunggu); returns its number."""
    api = Api(write_server)
    yield api.submit
    api.close()


@pytest.fixture
async def as_(client_for, write_server):
    async def signed_in(user: str) -> CrmClient:
        return await client_for(user, server=write_server)

    return signed_in


async def _in_proses(as_, submit) -> tuple[CrmClient, str]:
    dispatcher = await as_("dispatcher")
    number = submit()
    await dispatcher.assign(await dispatcher.get_report(number), "officer")
    return await as_("officer"), number


async def test_follow_up_validate_and_the_evidence(as_, submit):
    officer, number = await _in_proses(as_, submit)
    photos = [encoded(scene(8_801)), encoded(scene(8_802), "PNG")]
    sent = await officer.follow_up(await officer.get_report(number), "Sudah diperbaiki.", photos, note="Internal")
    assert sent.status is ReportStatus.MENUNGGU_VALIDASI and sent.allowed_actions == ("note",)
    (round_one,) = sent.follow_ups
    assert (round_one.round, round_one.response, round_one.note, round_one.validation) == (
        1,
        "Sudah diperbaiki.",
        "Internal",
        None,
    )
    assert [e.content_type for e in round_one.evidence] == ["image/jpeg", "image/png"]
    for evidence in round_one.evidence:
        data = await officer.get_evidence(number, evidence)
        assert hashlib.sha256(data).hexdigest() == evidence.sha256
        assert evidence.captured_at is None and evidence.similar_to is None

    validator = await as_("validator")
    queue = await validator.validation_queue(limit=500)
    assert number in {r.number for r in queue.items}
    assert {r.status for r in queue.items} == {ReportStatus.MENUNGGU_VALIDASI}
    rejected = await validator.validate(await validator.get_report(number), "reject", "Foto kurang jelas.")
    assert rejected.status is ReportStatus.TL_DITOLAK and rejected.assignee.username == "officer"
    assert rejected.follow_ups[0].validation.decision == "reject"
    again = await officer.follow_up(rejected, "Sudah diulang.", [encoded(scene(8_803))])
    accepted = await validator.validate(again, "accept")
    assert accepted.status is ReportStatus.SELESAI and accepted.resolution is Resolution.SELESAI
    assert [f.validation.decision for f in accepted.follow_ups] == ["reject", "accept"]

    supervisor = await as_("supervisor")
    reopened = await supervisor.reopen(await supervisor.get_report(number), "Warga melapor belum tuntas.")
    assert reopened.status is ReportStatus.PROSES and reopened.assignee.username == "officer"


async def test_coordinate_dispose_and_the_handed_on_view(as_, submit):
    dispatcher, supervisor = await as_("dispatcher"), await as_("supervisor")
    number = submit()
    moved = await dispatcher.coordinate(await dispatcher.get_report(number), "DBM", "Kewenangan Dinas.")
    assert moved.status is ReportStatus.KOORDINASI and moved.agency.code == "DBM"
    assert [(h.kind, h.from_agency.code, h.to_agency.code) for h in moved.handoffs] == [
        ("coordinate", "JP.GAMBIR.CIDENG", "DBM")
    ]
    handed = [r async for page in dispatcher.iter_pages(ReportQuery(handed_on=True)) for r in page.items]
    assert number in {r.number for r in handed}
    seen = await dispatcher.get_report(number)
    assert seen.allowed_actions == ()
    with pytest.raises(Forbidden):
        await dispatcher.add_note(number, "Masih milik kami?")

    disposed = await supervisor.dispose(await supervisor.get_report(number), "DBM.JP", "Wilayah Pusat.")
    assert disposed.status is ReportStatus.DISPOSISI and disposed.agency.code == "DBM.JP"
    assert disposed.routed_at is not None and disposed.coordination_due_at is not None


async def test_a_refused_transition_is_a_conflict_naming_the_allowed_actions(as_, submit):
    validator = await as_("validator")
    report = await validator.get_report(submit())
    with pytest.raises(Conflict) as caught:
        await validator.validate(report, "accept")
    assert caught.value.status == "Menunggu" and caught.value.allowed_actions == ("note",)


async def test_the_observer_signs_in_reads_and_may_not_write(as_, submit):
    observer = await as_("observer")
    assert (await observer.me()).role == "observer"
    report = await observer.get_report(submit())
    assert report.allowed_actions == ()
    with pytest.raises(Forbidden):
        await observer.coordinate(report, "DBM", "x")


async def test_photos_the_server_would_refuse_are_not_sent(as_, submit):
    officer, number = await _in_proses(as_, submit)
    report = await officer.get_report(number)
    for photos in ([], [encoded(scene(1))] * 5, [b"GIF89a not a photo"]):
        with pytest.raises(InvalidArgument):
            await officer.follow_up(report, "Sudah.", photos)
    with pytest.raises(InvalidArgument):
        await officer.validate(report, "maybe")  # type: ignore[arg-type]
    assert (await officer.get_report(number)).version == report.version


def test_the_validation_queue_is_menunggu_validasi_oldest_first():
    assert VALIDATION_QUEUE.params() == [("status", "Menunggu Validasi"), ("sort", "created")]
    assert ReportQuery(handed_on=True).params() == [("handed_on", "true")]
