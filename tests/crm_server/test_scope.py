"""The scope matrix: endpoint x role x inside/outside the operator's agency.

Outside the caller's scope a report does not exist (404, audited as a denial); a role that may not
act gets 403; no valid token gets 401; fields a client may not set are refused with 422.
"""

from __future__ import annotations

import httpx
import pytest

from tests.crm_server.helpers import (
    API,
    DISPLAY_NAMES,
    HOME,
    OTHER_KELURAHAN,
    Api,
    assert_error_body,
    audit_lines,
    jpeg_bytes,
    marker,
)

# Where each demo operator's reports are: "home" is Kelurahan Cideng, "dbm" is Suku Dinas Bina
# Marga Jakarta Pusat (outside Jakarta Pusat's own subtree), "other" is a kelurahan in Jakarta Utara.
SCOPE = {
    "dispatcher": {"home": True, "dbm": False, "other": False},
    "officer": {"home": True, "dbm": False, "other": False},
    "supervisor": {"home": True, "dbm": True, "other": True},
    "supervisor.jp": {"home": True, "dbm": False, "other": False},
    "dispatcher.dbm": {"home": False, "dbm": True, "other": False},
    "officer.dbm": {"home": False, "dbm": True, "other": False},
}
READ_CASES = [(user, where, inside) for user, places in SCOPE.items() for where, inside in places.items()]
# An assignable officer in each agency, for the routing roles.
OFFICER_OF = {"home": "officer", "dbm": "officer.dbm", "other": None}
OFFICERS = {
    "dispatcher": {"officer", "officer2", "officer3"},
    "officer": {"officer"},
    "officer2": {"officer2"},
    "supervisor": {"officer", "officer2", "officer3", "officer.dbm", "officer.dbm2"},
    "supervisor.jp": {"officer", "officer2", "officer3"},
    "dispatcher.dbm": {"officer.dbm", "officer.dbm2"},
    "officer.dbm": {"officer.dbm"},
}


def new_report(api: Api, where: str, **kw) -> str:
    if where == "home":
        return api.submit(kelurahan=HOME, **kw)
    if where == "dbm":
        return api.submit(kelurahan=HOME, category=api.dbm_category, **kw)
    return api.submit(kelurahan=OTHER_KELURAHAN, **kw)


@pytest.fixture(scope="module")
def placed(api: Api) -> dict[str, tuple[str, str]]:
    """One non-private report with a photo in each place: (number, unique title word)."""
    reports = {}
    for where in ("home", "dbm", "other"):
        word = marker("SCOPE")
        reports[where] = (new_report(api, where, title=f"Jalan {word}", photo=jpeg_bytes()), word)
    agencies = {where: api.detail("supervisor", number)[0]["agency"]["code"] for where, (number, _) in reports.items()}
    assert agencies == {"home": HOME, "dbm": "DBM.JP", "other": OTHER_KELURAHAN}
    return reports


# --- reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "where", "inside"), READ_CASES)
def test_detail_photo_and_list_follow_scope(api: Api, placed, user, where, inside):
    number, word = placed[where]
    detail = api.get(user, f"/reports/{number}")
    photo = api.get(user, f"/reports/{number}/photo")
    found = api.reports(user, q=word)
    if inside:
        assert detail.status_code == 200
        assert detail.json()["number"] == number
        assert detail.headers["etag"] == f'"{detail.json()["version"]}"'
        assert photo.status_code == 200
        assert photo.headers["content-type"] == "image/jpeg"
        assert found["total"] == 1 and [r["number"] for r in found["items"]] == [number]
    else:
        assert_error_body(detail, 404)
        assert_error_body(photo, 404)
        # Missing and out of scope look the same: nothing tells the report exists.
        missing = api.get(user, "/reports/JK0001019999")
        assert_error_body(missing, 404)
        assert detail.json()["message"] == missing.json()["message"]
        assert found == {"items": [], "total": 0, "next_cursor": None}


@pytest.mark.parametrize("user", ["dispatcher", "officer", "supervisor.jp", "dispatcher.dbm", "officer.dbm"])
def test_list_holds_only_reports_in_scope(api: Api, user):
    me = api.get(user, "/me").json()
    items, cursor = [], None
    while True:
        page = api.reports(user, limit=500, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert items and len(items) == page["total"]
    for item in items:
        code = item["agency"]["code"]
        if me["role"] == "supervisor":
            assert code == me["agency"]["code"] or code.startswith(me["agency"]["code"] + "."), code
        elif me["role"] == "officer":
            assert code == me["agency"]["code"] or (item["assignee"] or {}).get("username") == user, item
        else:
            assert code == me["agency"]["code"], code


def test_supervisor_of_the_province_sees_every_report(api: Api):
    everything = api.reports("supervisor", limit=1)["total"]
    parts = [api.reports("supervisor", agency=code, limit=1)["total"] for code in ("JP", "JU", "JB", "JS", "JT", "KS")]
    assert everything > sum(parts) > 0  # the rest lands at Dinas and Suku Dinas
    assert api.reports("supervisor.jp", limit=1)["total"] == parts[0]


@pytest.mark.parametrize("user", sorted(OFFICERS))
def test_officers_lists_whom_the_caller_may_assign(api: Api, user):
    response = api.get(user, "/officers")
    assert response.status_code == 200
    officers = response.json()
    assert {o["username"] for o in officers} == OFFICERS[user]
    assert all(isinstance(o["open_workload"], int) and o["open_workload"] >= 0 for o in officers)


def test_officer_workload_counts_open_assigned_reports(api: Api):
    before = {o["username"]: o["open_workload"] for o in api.get("dispatcher", "/officers").json()}
    number = api.submit()
    assert api.assign("dispatcher", number, "officer3").status_code == 200
    after = {o["username"]: o["open_workload"] for o in api.get("dispatcher", "/officers").json()}
    assert after["officer3"] >= before["officer3"] + 1
    assert api.close_report("dispatcher", number).status_code == 200
    closed = {o["username"]: o["open_workload"] for o in api.get("dispatcher", "/officers").json()}
    assert closed["officer3"] == after["officer3"] - 1


# --- writes outside scope: 404 and an audited denial ----------------------------------------


@pytest.mark.parametrize("user", ["dispatcher", "officer", "supervisor.jp", "dispatcher.dbm", "officer.dbm"])
def test_outside_scope_every_endpoint_is_404_and_audited(api: Api, user):
    where = next(w for w, inside in SCOPE[user].items() if not inside)
    number = new_report(api, where, photo=jpeg_bytes())
    etag = api.etag(number)
    own_officer = user if "officer" in user else next(iter(OFFICERS[user]))
    responses = {
        "view": api.get(user, f"/reports/{number}"),
        "view_photo": api.get(user, f"/reports/{number}/photo"),
        "assign": api.assign(user, number, own_officer, etag=etag),
        "close": api.close_report(user, number, etag=etag),
        "note": api.note(user, number),
    }
    for response in responses.values():
        assert_error_body(response, 404)
    after, after_etag = api.detail("supervisor", number)
    assert after_etag == etag and after["status"] == "Menunggu" and after["assignee"] is None
    assert after["notes"] == [] and [h["action"] for h in after["history"]] == ["created"]

    denied = audit_lines(api.audit(operator=user), action="denied", number=number)
    outcomes = sorted(line.split()[-1] for line in denied)
    assert outcomes == sorted(f"out_of_scope:{action}" for action in responses)


# --- writes inside scope --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "where"),
    [
        ("dispatcher", "home"),
        ("supervisor", "home"),
        ("supervisor", "dbm"),
        ("supervisor.jp", "home"),
        ("dispatcher.dbm", "dbm"),
    ],
)
def test_routing_roles_assign_note_and_close_in_scope(api: Api, user, where):
    number = new_report(api, where)
    officer = OFFICER_OF[where]
    assigned = api.assign(user, number, officer)
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["status"] == "Proses" and body["assignee"]["username"] == officer
    assert assigned.headers["etag"] == f'"{body["version"]}"'
    assert body["history"][-1]["actor"]["username"] == user
    assert body["history"][-1]["to_status"] == "Proses"

    noted = api.note(user, number, "Tim sudah dijadwalkan.")
    assert noted.status_code == 201, noted.text
    assert noted.json()["author"]["username"] == user

    closed = api.close_report(user, number, note="Bukan kewenangan.", etag=assigned.headers["etag"])
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "Selesai" and closed.json()["resolution"] == "tidak valid"
    audit = api.audit(report=number)
    for action in ("assign", "note", "close"):
        assert len(audit_lines(audit, action=action, number=number)) == 1, action


def test_routing_role_cannot_assign_an_officer_outside_its_reach(api: Api):
    number = api.submit()
    for user, officer in (("dispatcher", "officer.dbm"), ("dispatcher", "supervisor"), ("dispatcher", "nobody")):
        assert_error_body(api.assign(user, number, officer), 422)
    assert api.detail("dispatcher", number)[0]["assignee"] is None


def test_supervisor_assigns_across_agencies_and_the_officer_then_sees_it(api: Api):
    number = new_report(api, "dbm")
    assert api.get("officer", f"/reports/{number}").status_code == 404
    assert api.assign("supervisor", number, "officer").status_code == 200
    # Assigned to them, the report is in the officer's scope although another agency owns it.
    assert api.get("officer", f"/reports/{number}").status_code == 200
    assert number in [r["number"] for r in api.reports("officer", assignee="me", limit=500)["items"]]
    assert api.note("officer", number).status_code == 201


# --- the officer's limits -------------------------------------------------------------------


def test_officer_claims_an_unassigned_report_then_notes_and_follows_it_up(api: Api):
    """An officer no longer closes a report: the follow-up goes to validation (Selesai only so)."""
    number = api.submit()
    claimed = api.assign("officer", number, "officer")
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["assignee"]["username"] == "officer"
    assert claimed.json()["status"] == "Proses"
    assert api.note("officer", number).status_code == 201
    assert_error_body(api.close_report("officer", number, etag=claimed.headers["etag"]), 403)
    followed = api.follow_up("officer", number, etag=claimed.headers["etag"])
    assert followed.status_code == 200 and followed.json()["status"] == "Menunggu Validasi"


def test_officer_cannot_assign_to_someone_else(api: Api):
    number = api.submit()
    etag = api.etag(number)
    assert_error_body(api.assign("officer", number, "officer2", etag=etag), 403)
    assert api.etag(number) == etag
    denied = audit_lines(api.audit(operator="officer", report=number), action="denied", number=number)
    assert [line.split()[-1] for line in denied] == ["forbidden:assign"]


def test_officer_cannot_take_a_report_assigned_to_another(api: Api):
    number = api.submit()
    assert api.assign("dispatcher", number, "officer2").status_code == 200
    assert_error_body(api.assign("officer", number, "officer"), 403)
    assert api.detail("officer", number)[0]["assignee"]["username"] == "officer2"


def test_officer_notes_and_closes_only_what_is_assigned_to_them(api: Api):
    unassigned = api.submit()
    others = api.submit()
    assert api.assign("dispatcher", others, "officer2").status_code == 200
    for number in (unassigned, others):
        etag = api.etag(number)
        assert_error_body(api.note("officer", number), 403)
        assert_error_body(api.close_report("officer", number, etag=etag), 403)
        detail, after = api.detail("supervisor", number)
        assert after == etag and detail["notes"] == [] and detail["status"] != "Selesai"
    denied = audit_lines(api.audit(operator="officer", report=others), action="denied", number=others)
    assert sorted(line.split()[-1] for line in denied) == ["forbidden:close", "forbidden:note"]


# --- authentication -------------------------------------------------------------------------

# Each with a valid body: only the missing or bad token is wrong.
PROTECTED = [
    ("GET", "/me", None),
    ("GET", "/reports", None),
    ("GET", "/reports/{n}", None),
    ("GET", "/reports/{n}/photo", None),
    ("POST", "/reports/{n}/assign", {"officer": "officer"}),
    ("POST", "/reports/{n}/close", {"resolution": "selesai", "note": "x"}),
    ("POST", "/reports/{n}/notes", {"text": "x"}),
    ("GET", "/officers", None),
    ("GET", "/categories", None),
    ("GET", "/agencies", None),
    ("GET", "/events", None),
    ("POST", "/auth/logout", None),
]
BAD_AUTH = {
    "none": {},
    "invalid": {"Authorization": "Bearer not-a-real-token"},
    "basic": {"Authorization": "Basic ZGlzcGF0Y2hlcjpkaXNwYXRjaGVyLWRlbW8="},
    "empty": {"Authorization": "Bearer"},
}


@pytest.mark.parametrize("auth", sorted(BAD_AUTH))
@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_no_valid_token_is_401(api: Api, placed, method, path, body, auth):
    number = placed["home"][0]
    response = api.http.request(
        method, API + path.format(n=number), headers={**BAD_AUTH[auth], "If-Match": '"1"'}, json=body
    )
    error = assert_error_body(response, 401)
    assert error["error"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_logout_revokes_the_token(api: Api):
    token = api.server.login("officer3")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{api.server.base_url}{API}/me", headers=headers).status_code == 200
    assert httpx.post(f"{api.server.base_url}{API}/auth/logout", headers=headers).status_code == 204
    assert_error_body(httpx.get(f"{api.server.base_url}{API}/me", headers=headers), 401)


def test_wrong_password_is_401_and_audited(api: Api):
    response = api.http.post(f"{API}/auth/login", json={"username": "officer2", "password": "wrong"})
    assert_error_body(response, 401)
    assert audit_lines(api.audit(operator="officer2"), action="login_failed")


# --- fields a client may not set ------------------------------------------------------------

FORBIDDEN_FIELDS = [
    ("assign", {"officer": "officer", "status": "Selesai"}),
    ("assign", {"officer": "officer", "version": 99}),
    ("assign", {"officer": "officer", "number": "JK2501010001"}),
    ("close", {"resolution": "selesai", "note": "x", "status": "Proses"}),
    ("close", {"resolution": "selesai", "note": "x", "version": 1}),
    ("close", {"resolution": "selesai", "note": "x", "assignee": "officer"}),
    ("notes", {"text": "x", "number": "JK2501010001"}),
    ("notes", {"text": "x", "author": "supervisor"}),
    ("notes", {"text": "x", "id": 1}),
]


@pytest.mark.parametrize(("action", "body"), FORBIDDEN_FIELDS)
def test_fields_a_client_may_not_set_are_422(api: Api, placed, action, body):
    number = placed["home"][0]
    before, etag = api.detail("supervisor", number)
    response = api.post("dispatcher", f"/reports/{number}/{action}", body, if_match=etag)
    error = assert_error_body(response, 422)
    extra = next(k for k in body if k not in ("officer", "resolution", "note", "text"))
    assert [f["type"] for f in error["fields"]] == ["extra_forbidden"]
    assert all(extra not in f["loc"] for f in error["fields"])  # the unknown name is not echoed
    after, after_etag = api.detail("supervisor", number)
    assert after_etag == etag
    assert after["status"] == before["status"] and after["notes"] == before["notes"]


def test_display_names_come_from_the_operator_table(api: Api):
    for user, name in DISPLAY_NAMES.items():
        assert api.get(user, "/me").json()["display_name"] == name


def test_a_missing_report_is_denied_with_the_same_audit_write_as_one_out_of_scope(api: Api):
    """The same work for both 404s, so timing cannot tell a report of another agency from a
    number nobody has (benchmarks/scope_probe_timing.py measures the two medians)."""
    elsewhere = new_report(api, "dbm")  # a Bina Marga report: outside the dispatcher's kelurahan
    missing = "JK0001010001"
    for number in (elsewhere, missing):
        assert_error_body(api.get("dispatcher", f"/reports/{number}"), 404)
    audit = api.audit(operator="dispatcher")
    assert [line.split()[-1] for line in audit_lines(audit, action="denied", number=elsewhere)] == ["out_of_scope:view"]
    assert [line.split()[-1] for line in audit_lines(audit, action="denied", number=missing)][-1:] == ["not_found:view"]
