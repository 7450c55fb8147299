"""Assign, close and note: preconditions (If-Match), idempotent retries, the workflow's rules."""

from __future__ import annotations

import pytest

from tests.crm_server.helpers import DISPLAY_NAMES, Api, assert_error_body, marker


def actions(api: Api, number: str) -> list[str]:
    return [h["action"] for h in api.detail("supervisor", number)[0]["history"]]


# --- If-Match -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["assign", "close"])
def test_write_without_if_match_is_428(api: Api, action):
    number = api.submit()
    body = {"officer": "officer"} if action == "assign" else {"resolution": "selesai", "note": "x"}
    response = api.post("dispatcher", f"/reports/{number}/{action}", body)
    assert assert_error_body(response, 428)["error"] == "precondition_required"
    assert api.etag(number) == '"1"'


@pytest.mark.parametrize("header", ["1", 'W/"1"', "*", '""', '"one"', '"-1"'])
def test_if_match_that_is_no_etag_is_428(api: Api, header):
    number = api.submit()
    assert_error_body(api.assign("dispatcher", number, "officer", etag=header), 428)
    assert api.etag(number) == '"1"'


def test_stale_if_match_is_412_naming_who_changed_it(api: Api):
    number = api.submit()
    first = api.etag(number)
    assert api.assign("supervisor.jp", number, "officer", etag=first).status_code == 200
    stale = api.assign("dispatcher", number, "officer2", etag=first)
    body = assert_error_body(stale, 412)
    assert body["error"] == "precondition_failed"
    assert body["current_version"] == 2
    assert body["changed_by"] == DISPLAY_NAMES["supervisor.jp"]
    assert body["changed_at"]
    assert stale.headers["etag"] == '"2"'
    assert api.detail("dispatcher", number)[0]["assignee"]["username"] == "officer"


def test_if_match_list_with_the_current_version_applies(api: Api):
    number = api.submit()
    response = api.assign("dispatcher", number, "officer", etag='"7", "1"')
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'


def test_a_note_leaves_the_version_and_etags_in_flight_valid(api: Api):
    number = api.submit()
    etag = api.etag(number)
    assert api.note("dispatcher", number).status_code == 201
    assert api.etag(number) == etag
    assert api.assign("dispatcher", number, "officer", etag=etag).status_code == 200


# --- the workflow ---------------------------------------------------------------------------


def test_closing_a_closed_report_is_409(api: Api):
    number = api.submit()
    assert api.close_report("dispatcher", number).status_code == 200
    etag = api.etag(number)
    again = api.close_report("dispatcher", number, etag=etag)
    assert assert_error_body(again, 409)["error"] == "conflict"
    assert api.etag(number) == etag
    assert actions(api, number) == ["created", "closed"]


def test_assigning_a_closed_report_is_409(api: Api):
    number = api.submit()
    assert api.close_report("supervisor", number).status_code == 200
    assert_error_body(api.assign("supervisor", number, "officer"), 409)


def test_reassigning_in_proses_moves_the_report(api: Api):
    number = api.submit()
    first = api.assign("dispatcher", number, "officer")
    again = api.assign("dispatcher", number, "officer2", etag=first.headers["etag"])
    assert again.status_code == 200
    assert again.json()["assignee"]["username"] == "officer2"
    assert again.json()["version"] == 3
    assert [h["detail"] for h in again.json()["history"] if h["action"] == "assigned"] == [
        "officer: officer",
        "officer: officer2",
    ]


def test_assigning_the_same_officer_again_changes_nothing(api: Api):
    number = api.submit()
    first = api.assign("dispatcher", number, "officer")
    same = api.assign("dispatcher", number, "officer", etag=first.headers["etag"])
    assert same.status_code == 200
    assert same.headers["etag"] == first.headers["etag"]
    assert actions(api, number) == ["created", "assigned"]


@pytest.mark.parametrize(
    "body",
    [
        {"resolution": "duplikat", "note": "sama"},
        {"resolution": "duplikat", "note": "sama", "duplicate_of": "JK0001010001"},
        {"resolution": "selesai", "note": "x", "duplicate_of": "SELF"},
        {"resolution": "selesai", "note": "   \u200b "},
        {"resolution": "selesai", "note": ""},
        {"resolution": "beres", "note": "x"},
        {"resolution": "selesai"},
    ],
    ids=[
        "duplikat-without-original",
        "duplikat-of-missing",
        "duplicate_of-without-duplikat",
        "blank-note",
        "empty-note",
        "unknown-resolution",
        "no-note",
    ],
)
def test_bad_close_bodies_are_422(api: Api, body):
    number = api.submit()
    if body.get("duplicate_of") == "SELF":
        body = {**body, "duplicate_of": number}
    response = api.post("dispatcher", f"/reports/{number}/close", body, if_match=api.etag(number))
    assert_error_body(response, 422)
    assert actions(api, number) == ["created"]


def test_close_as_duplicate_names_the_original(api: Api):
    original, copy = api.submit(), api.submit()
    body = {"resolution": "duplikat", "note": "Sudah dilaporkan.", "duplicate_of": original}
    response = api.post("dispatcher", f"/reports/{copy}/close", body, if_match=api.etag(copy))
    assert response.status_code == 200
    closed = response.json()
    assert (closed["status"], closed["resolution"], closed["duplicate_of"]) == ("Selesai", "duplikat", original)
    assert closed["history"][-1]["detail"] == f"resolution: duplikat ({original})"
    assert closed["history"][-1]["note"] == "Sudah dilaporkan."


def test_selesai_is_never_a_direct_close(api: Api):
    number = api.submit()
    etag = api.etag(number)
    body = assert_error_body(api.close_report("supervisor", number, resolution="selesai"), 422)
    assert "validation" in body["message"]
    assert api.etag(number) == etag


@pytest.mark.parametrize("resolution", ["bukan wewenang", "tidak valid"])
def test_each_resolution_closes(api: Api, resolution):
    number = api.submit()
    response = api.close_report("supervisor", number, resolution=resolution)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["resolution"]) == ("Selesai", resolution)


def test_note_text_is_sanitised_and_blank_notes_refused(api: Api):
    number = api.submit()
    noted = api.note("dispatcher", number, "Cek\x1b[31m lokasi\u202e besok\x00")
    assert noted.status_code == 201
    assert noted.json()["text"] == "Cek[31m lokasi besok"
    assert_error_body(api.note("dispatcher", number, "\u200b\u200d \x1b"), 422)
    assert [n["text"] for n in api.detail("dispatcher", number)[0]["notes"]] == ["Cek[31m lokasi besok"]


# --- Idempotency-Key ------------------------------------------------------------------------


def test_retried_assign_with_the_same_key_applies_once(api: Api):
    number = api.submit()
    etag = api.etag(number)
    key = marker("IDEM")
    first = api.assign("dispatcher", number, "officer", etag=etag, key=key)
    retry = api.assign("dispatcher", number, "officer", etag=etag, key=key)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["etag"] == first.headers["etag"] == '"2"'
    detail, now = api.detail("dispatcher", number)
    assert now == '"2"' and detail["version"] == 2
    assert [h["action"] for h in detail["history"]].count("assigned") == 1
    # Without the key the same stale request is a plain 412: the key is what made it a replay.
    assert_error_body(api.assign("dispatcher", number, "officer", etag=etag), 412)


def test_retried_close_with_the_same_key_is_not_a_409(api: Api):
    number = api.submit()
    etag, key = api.etag(number), marker("IDEM")
    first = api.close_report("dispatcher", number, etag=etag, key=key)
    retry = api.close_report("dispatcher", number, etag=etag, key=key)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert actions(api, number).count("closed") == 1


def test_retried_note_with_the_same_key_adds_one_note(api: Api):
    number = api.submit()
    key = marker("IDEM")
    first = api.note("dispatcher", number, "Satu kali saja.", key=key)
    retry = api.note("dispatcher", number, "Satu kali saja.", key=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert len(api.detail("dispatcher", number)[0]["notes"]) == 1


def test_same_key_with_another_body_is_422(api: Api):
    number = api.submit()
    etag, key = api.etag(number), marker("IDEM")
    assert api.assign("dispatcher", number, "officer", etag=etag, key=key).status_code == 200
    other = api.assign("dispatcher", number, "officer2", etag=etag, key=key)
    assert assert_error_body(other, 422)["error"] == "validation_error"
    # ... and on another report (the path is part of the request).
    second = api.submit()
    assert_error_body(api.assign("dispatcher", second, "officer", key=key), 422)
    assert api.detail("dispatcher", number)[0]["assignee"]["username"] == "officer"
    assert actions(api, second) == ["created"]


def test_keys_belong_to_one_operator(api: Api):
    number = api.submit()
    key = marker("IDEM")
    assert api.note("dispatcher", number, "Dari dispatcher.", key=key).status_code == 201
    assert api.note("supervisor", number, "Dari supervisor.", key=key).status_code == 201
    assert len(api.detail("dispatcher", number)[0]["notes"]) == 2


def test_a_failed_write_is_not_remembered(api: Api):
    number = api.submit()
    key = marker("IDEM")
    assert_error_body(api.assign("dispatcher", number, "officer", etag='"9"', key=key), 412)
    # The 412 rolled back with its idempotency record: a retry with a fresh ETag applies.
    retry = api.assign("dispatcher", number, "officer", etag='"1"', key=key)
    assert retry.status_code == 200
    assert actions(api, number) == ["created", "assigned"]
