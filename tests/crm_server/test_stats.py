"""GET /stats: the dashboard's figures cover the caller's scope and agree with the report list;
what a test does to reports of its own moves them by exactly that."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crm_server.clock import WIB
from crm_server.storage.engine import Database
from tests.crm_server.helpers import DBM_JP, HOME, HOME_CITY, Api, assert_error_body
from tests.support.cli import crm_server

OPEN = ["Menunggu", "Koordinasi", "Disposisi", "Proses", "Menunggu Validasi", "TL Ditolak"]
FIGURES = ("open", "red", "overdue", "waiting_late", "closed")


def stats(api: Api, user: str) -> dict:
    response = api.get(user, "/stats")
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.json()


def today() -> date:
    return datetime.now(WIB).date()


def officer_row(body: dict, username: str | None) -> dict:
    return next(r for r in body["officers"] if (r["officer"] or {}).get("username") == username)


def test_stats_need_a_sign_in(api: Api):
    assert_error_body(api.get(None, "/stats"), 401)


@pytest.mark.parametrize("user", ["supervisor", "supervisor.jp", "dispatcher", "dispatcher.dbm", "officer"])
def test_the_figures_are_the_lists_and_add_up(api: Api, user: str):
    body = stats(api, user)
    total = body["total"]
    # The list's own counts over the same scope: open, and past the due date.
    assert total["open"] == api.reports(user, status=OPEN, limit=1)["total"] > 0
    assert total["overdue"] == api.reports(user, overdue="true", limit=1)["total"]
    assert total["overdue"] <= total["red"] <= total["open"]
    assert total["waiting_late"] <= api.reports(user, status="Menunggu", limit=1)["total"]
    for rows in (body["officers"], body["agencies"]):
        for figure in FIGURES:
            assert sum(row[figure] for row in rows) == total[figure], figure
    if total["closed"] or user == "supervisor":  # the demo closed reports in DKI in the last 30 days
        # (a report a test closes within the second it arrived takes 0 seconds)
        assert 0 <= total["closed_on_time_share"] <= 1 and total["median_close_seconds"] >= 0
    else:
        assert total["closed_on_time_share"] is None and total["median_close_seconds"] is None
    days = body["days"]
    assert [d["day"] for d in days] == [
        date.fromordinal(today().toordinal() - n).isoformat() for n in range(29, -1, -1)
    ]
    assert sum(d["closures"] for d in days) == total["closed"]
    start = datetime.fromisoformat(body["window_start"]).astimezone(WIB)
    assert start.date().isoformat() == days[0]["day"] and start.time().isoformat() == "00:00:00"


def test_each_role_sees_its_own_scope(api: Api):
    def agencies(user: str) -> set[str]:
        return {row["agency"]["code"] for row in stats(api, user)["agencies"]}

    def officers(user: str) -> set[str | None]:
        return {(row["officer"] or {}).get("username") for row in stats(api, user)["officers"]}

    assert agencies("dispatcher") == {HOME}
    assert agencies("dispatcher.dbm") == {DBM_JP}
    # Jakarta Pusat's sub-agencies are its kecamatan; DKI's its cities and its Dinas.
    assert all(code.startswith(f"{HOME_CITY}.") and code.count(".") == 1 for code in agencies("supervisor.jp"))
    assert {HOME_CITY, "DBM"} <= agencies("supervisor")
    assert not any("." in code for code in agencies("supervisor"))
    # The agency's own officers always; any other only by a report in the scope (a report
    # another test coordinated into DBM.JP keeps the kelurahan officer it had).
    for user, own in (
        ("dispatcher", {"officer", "officer2", "officer3"}),
        ("dispatcher.dbm", {"officer.dbm", "officer.dbm2"}),
    ):
        listed = officers(user)
        assert {None, *own} <= listed
        for other in listed - {None, *own}:
            assert api.reports(user, assignee=other, limit=1)["total"] > 0, (user, other)
    assert {"officer", "officer.dbm"} <= officers("supervisor")
    # Officers by name only: nothing else about anyone.
    row = officer_row(stats(api, "supervisor"), "officer")
    assert set(row["officer"]) == {"username", "display_name"}


def test_a_report_of_the_tests_own_moves_the_figures(api: Api):
    before = stats(api, "dispatcher")
    number = api.submit(kelurahan=HOME)
    arrived = stats(api, "dispatcher")
    assert arrived["total"]["open"] == before["total"]["open"] + 1
    assert officer_row(arrived, None)["open"] == officer_row(before, None)["open"] + 1
    assert arrived["days"][-1]["arrivals"] == before["days"][-1]["arrivals"] + 1
    assert arrived["total"]["waiting_late"] == before["total"]["waiting_late"]  # arrived just now

    assert api.assign("dispatcher", number, "officer2").status_code == 200
    assigned = stats(api, "dispatcher")
    assert officer_row(assigned, "officer2")["open"] == officer_row(before, "officer2")["open"] + 1
    assert officer_row(assigned, None)["open"] == officer_row(before, None)["open"]

    assert api.close_report("dispatcher", number).status_code == 200
    closed = stats(api, "dispatcher")
    assert closed["total"]["open"] == before["total"]["open"]
    assert closed["total"]["closed"] == before["total"]["closed"] + 1
    assert officer_row(closed, "officer2")["closed"] == officer_row(before, "officer2")["closed"] + 1
    assert closed["days"][-1]["closures"] == before["days"][-1]["closures"] + 1

    reopened = api.post(
        "supervisor", f"/reports/{number}/reopen", {"reason": "Belum tuntas."}, if_match=api.etag(number)
    )
    assert reopened.status_code == 200, reopened.text[:300]
    again = stats(api, "dispatcher")
    assert again["total"]["closed"] == before["total"]["closed"]
    assert again["total"]["open"] == before["total"]["open"] + 1


def _closed_at(path) -> dict[int, int | None]:
    database = Database.open(path)
    try:
        with database.read() as conn:
            return dict(conn.exec_driver_sql("SELECT id, closed_at FROM reports").all())
    finally:
        database.dispose()


def test_a_database_from_before_closed_at_learns_when_each_report_closed(tmp_path):
    """Migration 9 on a database made before it: a Selesai report closed when its history last
    says it became Selesai (what the seed, and every close since, writes into closed_at)."""
    # A SQLite file of its own, seeded here, whichever database the pass's servers use: its
    # schema changes.
    path = str(tmp_path / "crm.sqlite3")
    assert crm_server("seed", "--db", path, "--reports", "300").returncode == 0
    seeded = _closed_at(path)
    assert any(seeded.values()) and not all(seeded.values())
    database = Database.open(path)
    try:
        with database.write() as conn:  # as a database made before migration 9 was
            for index in ("ix_reports_closed_at", "ix_reports_agency_closed_at", "ix_reports_open"):
                conn.exec_driver_sql(f"DROP INDEX {index}")
            conn.exec_driver_sql("ALTER TABLE reports DROP COLUMN closed_at")
            conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 9")
    finally:
        database.dispose()
    assert crm_server("init", "--db", path).returncode == 0
    assert _closed_at(path) == seeded
    database = Database.open(path)
    try:
        with database.read() as conn:
            indexes = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        database.dispose()
    assert {"ix_reports_closed_at", "ix_reports_agency_closed_at", "ix_reports_open"} <= indexes
