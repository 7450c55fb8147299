"""GET /reports: filters, sorts and keyset pages mean what they say (every report once, in order,
and `total` is the number of reports that match)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.crm_server.helpers import Api, jpeg_bytes, marker

STATUS_ORDER = ["Menunggu", "Koordinasi", "Disposisi", "Proses", "Menunggu Validasi", "TL Ditolak", "Selesai"]
SORT_KEYS = {
    "created": lambda r: r["created_at"],
    "updated": lambda r: r["updated_at"],
    "due": lambda r: (r["status"] == "Selesai", r["due_at"]),  # open reports first
    "status": lambda r: (STATUS_ORDER.index(r["status"]), r["created_at"]),
}


def walk(api: Api, user: str, **params) -> tuple[list[dict], int]:
    """Every page, following next_cursor; also checks each page's total."""
    items, cursor, totals = [], None, set()
    while True:
        page = api.reports(user, **params, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= int(params.get("limit", 50))
        items += page["items"]
        totals.add(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(totals) == 1
    return items, totals.pop()


@pytest.mark.parametrize("sort", ["-created", "created", "updated", "-updated", "due", "-due", "status", "-status"])
def test_pages_hold_every_report_once_in_sort_order(api: Api, sort):
    items, total = walk(api, "supervisor.jp", sort=sort, limit=37)
    numbers = [r["number"] for r in items]
    assert len(numbers) == len(set(numbers)) == total > 37
    everything = api.reports("supervisor.jp", sort=sort, limit=500)
    assert everything["total"] == total and everything["next_cursor"] is None
    assert [r["number"] for r in everything["items"]] == numbers  # page size does not change the order
    keys = [SORT_KEYS[sort.lstrip("-")](r) for r in items]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


def test_default_is_newest_first_fifty(api: Api):
    page = api.reports("dispatcher")
    assert len(page["items"]) == min(50, page["total"])
    created = [r["created_at"] for r in page["items"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("status", [["Menunggu"], ["Proses", "Selesai"], ["TL Ditolak"]])
def test_status_filter(api: Api, status):
    items, total = walk(api, "supervisor", status=status, limit=500)
    assert total == len(items) > 0
    assert {r["status"] for r in items} <= set(status)
    together = sum(api.reports("supervisor", status=s, limit=1)["total"] for s in status)
    assert together == total


def test_category_and_agency_filters(api: Api):
    category = api.dbm_category
    items, total = walk(api, "supervisor", category=category, limit=500)
    assert total > 0 and {r["category"] for r in items} == {category}
    jp, jp_total = walk(api, "supervisor", agency="JP", limit=500)
    assert jp_total > 0 and all(r["agency"]["code"].startswith("JP.") for r in jp)
    assert jp_total == api.reports("supervisor.jp", limit=1)["total"]
    dinas, _ = walk(api, "supervisor", agency="DBM", limit=500)  # a Dinas with its Suku Dinas
    assert dinas and all(r["agency"]["code"].startswith("DBM") for r in dinas)
    # A filter never widens the caller's scope.
    assert api.reports("dispatcher", agency="DKI", limit=1)["total"] == api.reports("dispatcher", limit=1)["total"]
    assert api.reports("dispatcher", agency="DBM.JP", limit=1)["total"] == 0


def test_assignee_filters(api: Api):
    mine = api.submit()
    assert api.assign("dispatcher", mine, "officer2").status_code == 200
    me, _ = walk(api, "officer2", assignee="me", limit=500)
    assert mine in {r["number"] for r in me}
    assert all(r["assignee"]["username"] == "officer2" for r in me)
    named, _ = walk(api, "dispatcher", assignee="officer2", limit=500)
    assert {r["number"] for r in named} >= {r["number"] for r in me if r["agency"]["code"] == "JP.GAMBIR.CIDENG"}
    unassigned, _ = walk(api, "dispatcher", assignee="unassigned", limit=500)
    assert unassigned and all(r["assignee"] is None for r in unassigned)
    assert mine not in {r["number"] for r in unassigned}


def test_private_and_overdue_filters(api: Api):
    api.submit(private=True, photo=jpeg_bytes())
    private, p_total = walk(api, "supervisor", private="true", limit=500)
    public, q_total = walk(api, "supervisor", private="false", limit=500)
    assert all(r["private"] for r in private) and not any(r["private"] for r in public)
    assert p_total + q_total == api.reports("supervisor", limit=1)["total"]
    assert all(r["photo"] == "locked" for r in private)

    now = datetime.now(UTC)
    late, late_total = walk(api, "supervisor", overdue="true", limit=500)
    on_time, on_time_total = walk(api, "supervisor", overdue="false", limit=500)
    assert late_total > 0 and late_total + on_time_total == p_total + q_total
    for r in late:
        assert r["status"] != "Selesai" and datetime.fromisoformat(r["due_at"]) < now
    for r in on_time:
        assert r["status"] == "Selesai" or datetime.fromisoformat(r["due_at"]) >= now


def test_text_search_finds_title_description_and_address(api: Api):
    word = marker("CARI").lower()
    in_title = api.submit(title=f"Lampu jalan mati {word}")
    in_description = api.submit(description=f"Sudah tiga hari gelap. {word}")
    for q in (word, word.upper(), word[-9:]):
        found = {r["number"] for r in walk(api, "dispatcher", q=q, limit=500)[0]}
        assert found == {in_title, in_description}, q
    address, _ = walk(api, "dispatcher", q="Cideng Barat", limit=500)
    assert {in_title, in_description} <= {r["number"] for r in address}
    # Under three characters the search is still a case-insensitive substring match.
    short = api.reports("dispatcher", q="Gg", limit=20)["items"]
    assert short
    for r in short:
        detail, _ = api.detail("dispatcher", r["number"])
        text = " ".join([detail["number"], detail["title"], detail["description"], detail["location"]["address"]])
        assert "gg" in text.lower(), r["number"]


def test_text_search_finds_a_report_by_its_number(api: Api):
    """`q` is documented as text in number, title, description or address: an operator pastes a
    report number (or its tail) into the search."""
    number = api.submit()
    for q in (number, number[2:], number[-6:]):
        found = {r["number"] for r in walk(api, "dispatcher", q=q, limit=500)[0]}
        assert number in found, q


def test_filters_combine(api: Api):
    items, total = walk(api, "supervisor", status=["Proses"], private="false", agency="JP", limit=500)
    assert total == len(items)
    assert all(r["status"] == "Proses" and not r["private"] and r["agency"]["code"].startswith("JP.") for r in items)
