"""The follow-up lifecycle over HTTP on the shared server, each test on reports it submitted:
coordination and disposition with the scope they leave behind, follow-up with evidence,
validation, reopening, the observer, and the lookups that must not reveal other reports."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from tests.crm_server.helpers import (
    HOME,
    OTHER_KELURAHAN,
    Api,
    assert_error_body,
    encoded,
    exif_jpeg,
    marker,
    scene,
)

DBM, DBM_JP = "DBM", "DBM.JP"


def history(api: Api, number: str) -> list[tuple[str, str | None]]:
    return [(h["action"], h["to_status"]) for h in api.detail("supervisor", number)[0]["history"]]


def coordinated_to_dbm_jp(api: Api) -> str:
    """A kelurahan's report, coordinated to the Dinas Bina Marga and disposed to its Suku Dinas."""
    number = api.submit()
    assert api.route("dispatcher", "coordinate", number, DBM).status_code == 200
    assert api.route("supervisor", "dispose", number, DBM_JP, note="Wilayah Jakarta Pusat.").status_code == 200
    return number


def test_one_report_through_the_whole_loop(api: Api):
    number = coordinated_to_dbm_jp(api)
    assert api.assign("dispatcher.dbm", number, "officer.dbm").status_code == 200
    first = api.follow_up("officer.dbm", number, [encoded(scene(101)), encoded(scene(102))], note="Internal")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "Menunggu Validasi"
    rejected = api.validate("validator", number, "reject", "Foto tidak menunjukkan lokasi.")
    assert rejected.status_code == 200 and rejected.json()["status"] == "TL Ditolak"
    assert rejected.json()["assignee"]["username"] == "officer.dbm"  # back to the same officer
    again = api.follow_up("officer.dbm", number, [encoded(scene(103))], response="Sudah diaspal ulang.")
    assert again.status_code == 200 and again.json()["status"] == "Menunggu Validasi"
    accepted = api.validate("validator", number, "accept")
    assert accepted.status_code == 200
    report = accepted.json()
    assert (report["status"], report["resolution"]) == ("Selesai", "selesai")

    assert history(api, number) == [
        ("created", "Menunggu"),
        ("coordinated", "Koordinasi"),
        ("disposed", "Disposisi"),
        ("assigned", "Proses"),
        ("followed_up", "Menunggu Validasi"),
        ("rejected", "TL Ditolak"),
        ("followed_up", "Menunggu Validasi"),
        ("accepted", "Selesai"),
    ]
    assert [(h["kind"], h["from_agency"]["code"], h["to_agency"]["code"]) for h in report["handoffs"]] == [
        ("coordinate", HOME, DBM),
        ("dispose", DBM, DBM_JP),
    ]
    rounds = report["follow_ups"]
    assert [(r["round"], len(r["evidence"]), r["validation"]["decision"]) for r in rounds] == [
        (1, 2, "reject"),
        (2, 1, "accept"),
    ]
    assert rounds[0]["validation"]["reason"] == "Foto tidak menunjukkan lokasi."
    assert (rounds[0]["note"], rounds[1]["response"]) == ("Internal", "Sudah diaspal ulang.")
    assert report["routed_at"] is not None and report["coordination_due_at"] > report["created_at"]
    assert report["allowed_actions"] == ["reopen", "note"]


def test_the_source_agency_reads_what_it_handed_on_and_acts_no_more(api: Api):
    number = api.submit()
    handed = api.route("dispatcher", "coordinate", number, DBM_JP, note="Kewenangan Suku Dinas.")
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "Koordinasi" and handed.json()["agency"]["code"] == DBM_JP

    detail, etag = api.detail("dispatcher", number)  # still readable to the kelurahan
    assert detail["allowed_actions"] == []
    body = assert_error_body(api.assign("dispatcher", number, "officer", etag=etag), 403)
    assert "handed on" in body["message"]
    assert_error_body(api.note("dispatcher", number), 403)
    assert api.etag(number) == etag
    mine = api.reports("dispatcher", handed_on="true", limit=500)
    assert number in {r["number"] for r in mine["items"]}
    assert number not in {r["number"] for r in api.reports("dispatcher", limit=500)["items"]}
    assert api.detail("officer", number)[0]["allowed_actions"] == []  # the whole agency reads it

    # The receiving agency accepts it by assigning an officer.
    accepted = api.assign("dispatcher.dbm", number, "officer.dbm")
    assert accepted.status_code == 200 and accepted.json()["status"] == "Proses"
    assert number in {r["number"] for r in api.reports("dispatcher.dbm", status="Proses", limit=500)["items"]}


def test_disposition_goes_only_to_the_dinas_own_suku_dinas(api: Api):
    number = api.submit()
    assert api.route("dispatcher", "coordinate", number, DBM).status_code == 200
    for target in ("JP", HOME, "DSDA.JP"):  # a city, a kelurahan, another Dinas's Suku Dinas
        body = assert_error_body(api.route("supervisor", "dispose", number, target), 422)
        assert "Suku Dinas" in body["message"]
    assert api.detail("supervisor", number)[0]["status"] == "Koordinasi"


def test_a_refused_transition_names_what_is_allowed(api: Api):
    number = api.submit()
    response = api.validate("validator", number, "accept")
    body = assert_error_body(response, 409)
    assert body["error"] == "conflict" and body["status"] == "Menunggu"
    assert body["allowed_actions"] == ["note"]
    body = assert_error_body(api.follow_up("officer", number), 409)
    assert body["allowed_actions"] == ["claim"]  # unassigned: an officer may claim it, no more
    assert api.assign("dispatcher", number, "officer2").status_code == 200
    body = assert_error_body(api.follow_up("officer", number), 403)  # assigned to another officer
    assert body["error"] == "forbidden" and body["message"] == "This report is not assigned to you."


def test_the_observer_reads_and_every_write_is_403(api: Api):
    number = api.submit()
    me = api.get("observer", "/me").json()
    assert me["role"] == "observer"
    detail, etag = api.detail("observer", number)
    assert detail["allowed_actions"] == []
    writes = [
        api.assign("observer", number, "officer", etag=etag),
        api.close_report("observer", number, etag=etag),
        api.note("observer", number),
        api.route("observer", "coordinate", number, DBM, etag=etag),
        api.route("observer", "dispose", number, DBM_JP, etag=etag),
        api.follow_up("observer", number, etag=etag),
        api.validate("observer", number, "accept", etag=etag),
        api.post("observer", f"/reports/{number}/reopen", {"reason": "x"}, if_match=etag),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert api.etag(number) == etag


def test_evidence_of_a_private_report_is_served_stripped_and_the_citizens_photo_stays_locked(api: Api):
    mark = marker("EVIDENCE")
    number = api.submit(private=True, photo=exif_jpeg(marker()))
    assert api.assign("dispatcher", number, "officer").status_code == 200
    raw = exif_jpeg(mark, size=(160, 120))
    image = Image.open(io.BytesIO(raw))
    exif = image.getexif()
    exif[0x8769] = {0x9003: "2026:03:05 09:30:00"}  # DateTimeOriginal, no zone: WIB
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=f"Comment{mark}".encode())
    sent = api.follow_up("officer", number, [out.getvalue()])
    assert sent.status_code == 200, sent.text
    (photo,) = sent.json()["follow_ups"][0]["evidence"]
    assert photo["captured_at"] == "2026-03-05T02:30:00Z"
    assert photo["uploaded_at"] and photo["similar_to"] is None

    served = api.get("dispatcher", f"/reports/{number}/evidence/{photo['id']}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert mark.encode() not in served.content and b"Exif" not in served.content
    assert hashlib.sha256(served.content).hexdigest() == photo["sha256"]
    assert_error_body(api.get("dispatcher", f"/reports/{number}/photo"), 403)  # the citizen's photo
    assert_error_body(api.get("dispatcher", f"/reports/{number}/evidence/{photo['id'] + 10**9}"), 404)
    assert_error_body(api.get("dispatcher.dbm", f"/reports/{number}/evidence/{photo['id']}"), 404)  # out of scope


def test_reused_evidence_is_flagged_with_the_other_report(api: Api):
    original = scene(7_301)
    first = api.submit()
    assert api.assign("dispatcher", first, "officer").status_code == 200
    assert api.follow_up("officer", first, [encoded(original)]).status_code == 200
    w, h = original.size
    copy = original.resize((w * 3 // 4, h * 3 // 4)).crop((4, 0, w * 3 // 4, h * 3 // 4))
    second = api.submit()
    assert api.assign("dispatcher", second, "officer2").status_code == 200
    sent = api.follow_up("officer2", second, [encoded(copy, quality=60), encoded(scene(7_302))])
    assert sent.status_code == 200, sent.text
    flags = [e["similar_to"] for e in sent.json()["follow_ups"][0]["evidence"]]
    assert flags == [first, None]


def test_follow_up_refuses_what_is_not_1_to_4_photos(api: Api):
    number = api.submit()
    etag = api.assign("dispatcher", number, "officer").headers["etag"]
    assert_error_body(api.follow_up("officer", number, [encoded(scene(1))] * 5, etag=etag), 422)
    gif = encoded(scene(2), "GIF")
    assert assert_error_body(api.follow_up("officer", number, [gif], etag=etag), 415)["error"]
    plain = api.post("officer", f"/reports/{number}/follow-up", {"response": "x"}, if_match=etag)
    assert_error_body(plain, 422)
    assert api.etag(number) == etag


def test_a_retried_follow_up_applies_once(api: Api):
    number = api.submit()
    etag = api.assign("dispatcher", number, "officer").headers["etag"]
    photos = [encoded(scene(4_401))]
    first = api.follow_up("officer", number, photos, etag=etag, key="follow-up-once-" + number)
    again = api.follow_up("officer", number, photos, etag=etag, key="follow-up-once-" + number)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert len(api.detail("supervisor", number)[0]["follow_ups"]) == 1


def test_reopen_within_30_days_goes_back_to_the_last_officer(api: Api):
    number = api.submit()
    assert api.assign("dispatcher", number, "officer").status_code == 200
    assert api.follow_up("officer", number).status_code == 200
    assert api.validate("validator", number, "accept").status_code == 200
    assert_error_body(
        api.post("dispatcher", f"/reports/{number}/reopen", {"reason": "x"}, if_match=api.etag(number)), 403
    )
    reopened = api.post(
        "supervisor", f"/reports/{number}/reopen", {"reason": "Warga: belum diperbaiki."}, if_match=api.etag(number)
    )
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert (body["status"], body["assignee"]["username"], body["resolution"]) == ("Proses", "officer", None)
    assert history(api, number)[-1] == ("reopened", "Proses")


def test_after_30_days_reopen_is_neither_offered_nor_allowed(api: Api):
    """A seeded report closed more than 30 days ago: the detail's allowed actions leave reopening
    out, and the server refuses it with the same list."""
    old = [
        r
        for r in api.reports("supervisor", status="Selesai", sort="updated", limit=50)["items"]
        if datetime.fromisoformat(r["updated_at"]) < datetime.now(UTC) - timedelta(days=31)
    ]
    assert old, "the demo data has reports closed over a month ago"
    number = old[0]["number"]
    report, etag = api.detail("supervisor", number)
    assert "reopen" not in report["allowed_actions"] and "note" in report["allowed_actions"]
    refused = assert_error_body(
        api.post("supervisor", f"/reports/{number}/reopen", {"reason": "x"}, if_match=etag), 409
    )
    assert refused["allowed_actions"] == report["allowed_actions"]


def test_duplicate_of_out_of_scope_answers_as_missing(api: Api):
    number = api.submit()
    elsewhere = api.submit(kelurahan=OTHER_KELURAHAN)
    answers = []
    for original in (elsewhere, "JK0001010001"):
        body = {"resolution": "duplikat", "note": "sama", "duplicate_of": original}
        answers.append(
            assert_error_body(api.post("dispatcher", f"/reports/{number}/close", body, if_match=api.etag(number)), 422)
        )
    assert answers[0]["message"] == answers[1]["message"]
    assert elsewhere not in answers[0]["message"]


def test_the_validation_queue_is_oldest_first_in_scope(api: Api):
    numbers = []
    for _ in range(2):
        number = api.submit()
        assert api.assign("dispatcher", number, "officer").status_code == 200
        assert api.follow_up("officer", number).status_code == 200
        numbers.append(number)
    queue = api.reports("validator", status="Menunggu Validasi", sort="created", limit=500)["items"]
    listed = [r["number"] for r in queue]
    assert listed.index(numbers[0]) < listed.index(numbers[1])
    assert {r["status"] for r in queue} == {"Menunggu Validasi"}
    created = [r["created_at"] for r in queue]
    assert created == sorted(created)
