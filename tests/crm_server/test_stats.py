"""GET /stats: the dashboard's figures cover the caller's scope and agree with the report list;
what a test does to reports of its own moves them by exactly that."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import pytest

from crm_server.clock import WIB
from crm_server.storage.engine import Database
from crm_server.storage.tallies import decode
from tests.crm_server.helpers import DBM_JP, HOME, HOME_CITY, Api, assert_error_body
from tests.support.cli import crm_server
from tests.support.server import as_before_migration, query

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


def _seeded_file(folder) -> str:
    """A SQLite file of the test's own, seeded here whichever database the pass's servers use:
    the migration tests change its schema."""
    path = str(folder / "crm.sqlite3")
    assert crm_server("seed", "--db", path, "--reports", "300").returncode == 0
    return path


def test_a_database_from_before_closed_at_learns_when_each_report_closed(tmp_path):
    """Migration 9 on a database made before it: a Selesai report closed when its history last
    says it became Selesai (what the seed, and every close since, writes into closed_at)."""
    path = _seeded_file(tmp_path)
    seeded = _closed_at(path)
    assert any(seeded.values()) and not all(seeded.values())
    dropped = ("ix_reports_closed_at", "ix_reports_agency_closed_at", "ix_reports_open")
    undo = [*(f"DROP INDEX {index}" for index in dropped), "ALTER TABLE reports DROP COLUMN closed_at"]
    as_before_migration(path, 9, *undo)
    assert crm_server("init", "--db", path).returncode == 0
    assert _closed_at(path) == seeded
    database = Database.open(path)
    try:
        with database.read() as conn:
            indexes = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        database.dispose()
    assert set(dropped) <= indexes


def test_a_coordination_moves_the_report_s_arrival_and_closure_to_its_new_agency(api: Api):
    before = {user: stats(api, user) for user in ("dispatcher", "dispatcher.dbm")}
    number = api.submit(kelurahan=HOME)
    handed = api.route("dispatcher", "coordinate", number, DBM_JP, note="Kewenangan Suku Dinas.")
    assert handed.status_code == 200, handed.text[:300]
    moved = {user: stats(api, user) for user in ("dispatcher", "dispatcher.dbm")}
    assert moved["dispatcher"]["days"][-1]["arrivals"] == before["dispatcher"]["days"][-1]["arrivals"]
    assert moved["dispatcher.dbm"]["days"][-1]["arrivals"] == before["dispatcher.dbm"]["days"][-1]["arrivals"] + 1
    assert moved["dispatcher.dbm"]["total"]["open"] == before["dispatcher.dbm"]["total"]["open"] + 1

    assert api.close_report("dispatcher.dbm", number).status_code == 200
    closed = stats(api, "dispatcher.dbm")
    assert closed["total"]["closed"] == before["dispatcher.dbm"]["total"]["closed"] + 1
    assert closed["days"][-1]["closures"] == before["dispatcher.dbm"]["days"][-1]["closures"] + 1
    assert stats(api, "dispatcher")["total"]["closed"] == before["dispatcher"]["total"]["closed"]


Cell = tuple[int, str, int | None]


def _jakarta_day(epoch: int) -> int:
    return datetime.fromtimestamp(epoch, WIB).date().toordinal() - date(1970, 1, 1).toordinal()


def expected_tallies(db) -> dict[Cell, tuple[int, int, list[int]]]:
    """What the reports themselves say: each arrives on its Jakarta day, and a Selesai one closes
    on its own, under the agency and assignee holding it now."""
    cells: defaultdict[Cell, tuple[int, int, list[int]]] = defaultdict(lambda: (0, 0, []))
    for created_at, closed_at, due_at, agency, assignee in query(
        db, "SELECT created_at, closed_at, due_at, agency_code, assignee_id FROM reports"
    ):
        arrivals, on_time, seconds = cells[_jakarta_day(created_at), agency, assignee]
        cells[_jakarta_day(created_at), agency, assignee] = (arrivals + 1, on_time, seconds)
        if closed_at is not None:
            arrivals, on_time, seconds = cells[_jakarta_day(closed_at), agency, assignee]
            closing = (arrivals, on_time + (closed_at <= due_at), sorted([*seconds, closed_at - created_at]))
            cells[_jakarta_day(closed_at), agency, assignee] = closing
    return dict(cells)


def kept_tallies(db) -> dict[Cell, tuple[int, int, list[int]]]:
    """The table as the server kept it (a cell that every change took back out counts as none)."""
    cells = {}
    for day, agency, assignee, arrivals, on_time, blob in query(
        db, "SELECT day, agency_code, assignee_id, arrivals, closed_on_time, close_seconds FROM daily_tallies"
    ):
        assert (day, agency, assignee) not in cells
        seconds = list(decode(bytes(blob)))
        assert seconds == sorted(seconds)
        if arrivals or on_time or seconds:
            cells[day, agency, assignee] = (arrivals, on_time, seconds)
    return cells


def expected_open(db) -> dict[tuple[str, int | None], tuple[int, int]]:
    """The open reports each (agency, assignee) holds, and the Menunggu among them."""
    rows = query(
        db,
        "SELECT agency_code, assignee_id, count(*), sum(CASE WHEN status = 1 THEN 1 ELSE 0 END) FROM reports"
        " WHERE status <> 7 GROUP BY agency_code, assignee_id",
    )
    return {(agency, assignee): (count, waiting) for agency, assignee, count, waiting in rows}


def kept_open(db) -> dict[tuple[str, int | None], tuple[int, int]]:
    rows = query(db, "SELECT agency_code, assignee_id, open, waiting FROM open_tallies")
    assert len({(agency, assignee) for agency, assignee, _, _ in rows}) == len(rows)
    return {(agency, assignee): (count, waiting) for agency, assignee, count, waiting in rows if count or waiting}


def test_the_tallies_the_server_keeps_are_the_reports_own_sums(api: Api):
    """After every write this module's tests made (arrivals, assignments, closes, a reopen, a
    coordination, a follow-up and its validation) and whatever else this server took, nothing
    has drifted."""
    number = api.submit(kelurahan=HOME)
    assert api.assign("dispatcher", number, "officer3").status_code == 200
    assert api.follow_up("officer3", number).status_code == 200
    accepted = api.validate("validator", number, "accept")  # Selesai by validation, not by a close
    assert accepted.status_code == 200 and accepted.json()["status"] == "Selesai", accepted.text[:300]
    assert kept_tallies(api.server.db) == expected_tallies(api.server.db)
    assert kept_open(api.server.db) == expected_open(api.server.db)


def test_a_database_from_before_the_tallies_has_them_summed_by_the_migration(tmp_path):
    """Migration 10 on a database made before it: the tables, filled from the reports."""
    path = _seeded_file(tmp_path)
    as_before_migration(path, 10, "DROP TABLE daily_tallies", "DROP TABLE open_tallies")
    assert crm_server("init", "--db", path).returncode == 0
    kept = kept_tallies(path)
    assert kept == expected_tallies(path) and sum(len(seconds) for _, _, seconds in kept.values()) > 0
    assert kept_open(path) == expected_open(path) != {}
