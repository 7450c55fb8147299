"""Marks and bulk actions: Space, V and u mark; a, c, n and o act on every marked report, each on
the version the operator saw, with the world moving: a change made since marking is a conflict
naming who changed what, never overwritten; refusals say why; both stay marked."""

from __future__ import annotations

import pytest

from crm_tui.bulk import Outcome, run_bulk
from crm_tui.dialogs.bulk_dialog import BulkDialog
from crm_tui.dialogs.bulk_summary import BulkSummary
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api
from tests.crm_tui.harness import console, screen_text, type_text, until

pytestmark = pytest.mark.usefixtures("english_ui")


async def _listed(pilot, screen: MainScreen, numbers: list[str]) -> None:
    """The reports on top of the list (they arrived last), the cursor on the first of them."""
    await pilot.press("r")
    await until(pilot, lambda: all(screen.window.index_of(n) is not None for n in numbers), "listed")
    screen.table.cursor = min(screen.window.index_of(n) for n in numbers)
    await pilot.pause()


async def _summary(pilot, app) -> str:
    summary = await until(pilot, lambda: isinstance(app.screen, BulkSummary) and app.screen, "the summary")
    await until(pilot, lambda: not summary.running, "every outcome")
    return summary.message_text


async def test_space_v_and_u_mark_and_the_header_and_rows_show_it(writes: Api):
    numbers = [writes.submit(title=f"Marked {i}") for i in range(4)]
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await _listed(pilot, screen, numbers)
        top = screen.table.cursor
        await pilot.press("space")  # marks the first and moves down
        assert screen.table.cursor == top + 1
        await pilot.press("j", "j", "V")  # from the last marked to the cursor
        assert set(screen.marks) == {screen.window.row(i).number for i in range(top, top + 4)}
        await until(pilot, lambda: "4 marked" in screen_text(app), "the count in the header")
        assert screen.table.render_line(1).text.startswith("✓")
        await pilot.press("space")  # unmarks the row under the cursor
        assert len(screen.marks) == 3
        await pilot.press("u")
        await until(pilot, lambda: not screen.marks and "marked" not in screen_text(app), "cleared")


async def test_a_bulk_assign_applies_to_each_but_the_one_another_operator_changed(writes: Api):
    numbers = [writes.submit(title=f"Bulk {i}") for i in range(3)]
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await _listed(pilot, screen, numbers)
        await pilot.press("space", "space", "space")
        assert set(screen.marks) == set(numbers)
        changed = numbers[1]
        # Another operator assigns one of them after it was marked.
        assert writes.assign("supervisor", changed, "officer3").status_code == 200
        await pilot.press("a")
        dialog = await until(pilot, lambda: isinstance(app.screen, BulkDialog) and app.screen, "the bulk dialog")
        await until(pilot, lambda: "Assign the 3 marked reports" in screen_text(app), "the dialog drawn")
        options = dialog.query_one("#officers")
        options.highlighted = next(i for i, o in enumerate(dialog.officers) if o.username == "officer")
        await pilot.press("enter")
        text = await _summary(pilot, app)
        assert "Done: 2." in text and "Conflicts" in text
        assert f"{changed}: Hendra Gunawan" in text and "Agus Setiawan" in text  # who, and what changed
        # The conflict stays marked, in the version now shown; the done ones are unmarked.
        assert set(screen.marks) == {changed}
        assert screen.marks[changed].assignee.username == "officer3"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the summary closed")
    for number in numbers:
        assignee = writes.detail("supervisor", number)[0]["assignee"]["username"]
        assert assignee == ("officer3" if number == changed else "officer")


async def test_a_bulk_close_refuses_what_may_not_be_closed_and_says_why(writes: Api):
    open_one, closed_one = writes.submit(title="Still open"), writes.submit(title="Already closed")
    etag = writes.detail("dispatcher", closed_one)[1]
    response = writes.close_report("dispatcher", closed_one, resolution="tidak valid", note="Laporan uji.", etag=etag)
    assert response.status_code == 200, response.text
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await _listed(pilot, screen, [open_one, closed_one])
        for number in (open_one, closed_one):
            screen.table.cursor = screen.window.index_of(number)
            await pilot.press("space")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, BulkDialog), "the bulk dialog")
        await pilot.press("tab")  # the first: bukan wewenang
        await type_text(pilot, "Bukan tupoksi kelurahan.")
        await pilot.press("ctrl+s")
        text = await _summary(pilot, app)
        assert "Done: 1." in text and "Refused (still marked):" in text and f"{closed_one}: Cannot close" in text
        assert set(screen.marks) == {closed_one}
    assert writes.detail("dispatcher", open_one)[0]["resolution"] == "bukan wewenang"
    assert writes.detail("dispatcher", closed_one)[0]["resolution"] == "tidak valid"


async def test_a_bulk_note_lands_on_every_marked_report(writes: Api):
    numbers = [writes.submit(title=f"Noted {i}") for i in range(2)]
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await _listed(pilot, screen, numbers)
        await pilot.press("space", "space", "n")
        await until(pilot, lambda: isinstance(app.screen, BulkDialog), "the bulk dialog")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Write the note first." in screen_text(app), "a note is required")
        await type_text(pilot, "Dicek bersama [b]RT[/b].")
        await pilot.press("ctrl+s")
        assert "Done: 2." in await _summary(pilot, app)
    for number in numbers:
        notes = writes.detail("dispatcher", number)[0]["notes"]
        assert [note["text"] for note in notes] == ["Dicek bersama [b]RT[/b]."]


async def test_a_bulk_coordinate_sends_each_to_the_agency_but_the_changed_and_the_refused(writes: Api):
    numbers = [writes.submit(title=f"Coordinated {i}") for i in range(4)]
    in_proses, changed = numbers[2], numbers[3]
    # One is already with an officer when marked: coordination is for before that.
    assert writes.assign("supervisor", in_proses, "officer2").status_code == 200
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await _listed(pilot, screen, numbers)
        for number in numbers:
            screen.table.cursor = screen.window.index_of(number)
            await pilot.press("space")
        assert set(screen.marks) == set(numbers)
        # Another operator assigns one of them after it was marked.
        assert writes.assign("supervisor", changed, "officer3").status_code == 200
        await pilot.press("o")
        dialog = await until(pilot, lambda: isinstance(app.screen, BulkDialog) and app.screen, "the bulk dialog")
        await until(pilot, lambda: "Coordinate the 4 marked reports" in screen_text(app), "the dialog drawn")
        await type_text(pilot, "dbm.jp")
        assert [agency.code for agency in dialog.agencies.shown] == ["DBM.JP"]
        await pilot.press("enter")  # from the filter to why
        await type_text(pilot, "Kewenangan Suku Dinas Bina Marga.")
        await pilot.press("ctrl+s")
        text = await _summary(pilot, app)
        assert "Done: 2." in text
        assert f"{changed}: Hendra Gunawan" in text and "Agus Setiawan" in text  # who, and what changed
        assert f"{in_proses}: Cannot coordinate" in text
        assert set(screen.marks) == {in_proses, changed}  # conflicts and refusals stay marked
    for number in numbers:
        report, _ = writes.detail("supervisor", number)
        coordinated = number not in (in_proses, changed)
        assert (report["agency"]["code"] == "DBM.JP") is coordinated
        assert (report["status"] == "Koordinasi") is coordinated
        assert (report["history"][-1]["note"] == "Kewenangan Suku Dinas Bina Marga.") is coordinated


async def test_run_bulk_keeps_the_order_and_refuses_before_sending():
    sent: list[str] = []

    async def send(report):
        sent.append(report.number)

    class Row:
        def __init__(self, number: str) -> None:
            self.number, self.version = number, 1

    rows = [Row(f"JK25010100{i:02d}") for i in range(6)]
    outcomes = await run_bulk(
        rows,  # type: ignore[arg-type]
        send,
        refusal=lambda r: "closed" if r.number.endswith("3") else None,
        conflict=lambda r, e: None,  # type: ignore[arg-type,return-value]
        failure=str,
    )
    assert [o.number for o in outcomes] == [r.number for r in rows]
    assert outcomes[3] == Outcome(rows[3].number, "refused", "closed")
    assert rows[3].number not in sent and len(sent) == 5


@pytest.mark.slow
async def test_the_server_stopping_under_the_bulk_dialog_fails_each_and_keeps_them_marked(make_server):
    # A server of its own: this test stops and restarts it.
    server = make_server(reports=20)
    api = Api(server)
    try:
        numbers = [api.submit(title=f"Across an outage {i}") for i in range(2)]
        async with console(server) as (app, pilot):
            screen = app.screen
            await _listed(pilot, screen, numbers)
            await pilot.press("space", "space", "n")
            await until(pilot, lambda: isinstance(app.screen, BulkDialog), "the bulk dialog")
            server.stop()
            await type_text(pilot, "Dicek ulang.")
            await pilot.press("ctrl+s")
            text = await _summary(pilot, app)
            assert "Done: 0." in text and "Failed (still marked; try again later):" in text
            assert set(screen.marks) == set(numbers)
            await pilot.press("escape")
            server.start()
            arrived_while_down = api.submit(title="Arrived once back")
            await until(pilot, lambda: screen.header.connection == "online", "reconnected", timeout=40)
            await until(pilot, lambda: screen.window.index_of(arrived_while_down) is not None, "the arrival listed")
            assert set(screen.marks) == set(numbers)  # an arrival marks nothing and unmarks nothing
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, BulkDialog), "the bulk dialog again")
            await type_text(pilot, "Dicek ulang.")
            await pilot.press("ctrl+s")
            assert "Done: 2." in await _summary(pilot, app)
        for number in numbers:
            assert [n["text"] for n in api.detail("dispatcher", number)[0]["notes"]] == ["Dicek ulang."]
        assert api.detail("dispatcher", arrived_while_down)[0]["notes"] == []
    finally:
        api.close()
