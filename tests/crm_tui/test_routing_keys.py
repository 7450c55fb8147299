"""The lifecycle's routing keys on the real server: `o` coordinates a report to the agency whose
duty it is, `d` disposes it from a Dinas to one of its Suku Dinas, `R` reopens a Selesai one;
each dialog is bound to the report and version it opened on, and says why where a key does not
apply."""

from __future__ import annotations

import pytest

from crm_tui.dialogs.reopen_dialog import ReopenDialog
from crm_tui.dialogs.route_dialog import RouteDialog
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api
from tests.crm_tui.harness import console, toasts, type_text, until

pytestmark = pytest.mark.usefixtures("english_ui")

DBM, DBM_JP = "DBM", "DBM.JP"


async def on_top(pilot, screen: MainScreen, number: str) -> None:
    await pilot.press("r")
    await until(pilot, lambda: screen.window.index_of(number) is not None, f"{number} listed")
    screen.table.cursor = screen.window.index_of(number)
    await until(pilot, lambda: screen.current is not None and screen.current.number == number, f"{number} shown")


async def open_route(pilot, app, key: str) -> RouteDialog:
    await pilot.press(key)
    return await until(pilot, lambda: isinstance(app.screen, RouteDialog) and app.screen, "the routing dialog")


def history(writes: Api, number: str) -> list[tuple[str, str]]:
    return [(h["action"], h["detail"]) for h in writes.detail("supervisor", number)[0]["history"]]


async def test_coordinate_then_dispose_by_keys(writes: Api):
    number = writes.submit(title="Jalan berlubang, bukan tupoksi kelurahan")
    async with console(writes.server, "supervisor") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        dialog = await open_route(pilot, app, "o")
        here = screen.current.agency.code
        assert here not in {agency.code for agency in dialog.agencies}  # not to itself
        await type_text(pilot, "dinas bina marga")
        dialog.query_one("#agencies").highlighted = next(
            i for i, agency in enumerate(dialog.choices.shown) if agency.code == DBM
        )
        await pilot.press("enter")  # from the filter to the note
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Write why" in dialog.message_text, "the note is required")
        await type_text(pilot, "Kewenangan Dinas Bina Marga.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: f"{number} coordinated to" in toasts(app), "the toast")
        report, _ = writes.detail("supervisor", number)
        assert report["status"] == "Koordinasi" and report["agency"]["code"] == DBM

        dialog = await open_route(pilot, app, "d")
        offered = {agency.code for agency in dialog.agencies}
        assert DBM_JP in offered and all(code.startswith(DBM + ".") for code in offered)  # its Suku Dinas only
        dialog.query_one("#agencies").highlighted = next(
            i for i, agency in enumerate(dialog.choices.shown) if agency.code == DBM_JP
        )
        await pilot.press("enter")
        await type_text(pilot, "Wilayah Jakarta Pusat.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Disposisi" and report["agency"]["code"] == DBM_JP
    actions = [action for action, _ in history(writes, number)]
    assert actions[-2:] == ["coordinated", "disposed"]


async def test_a_routing_dialog_acts_on_the_version_it_opened_on(writes: Api):
    """Another operator assigns the report while the coordination dialog is open: the dialog
    says who changed what, and coordinating no longer applies to a report in Proses."""
    number = writes.submit(title="Dua operator, satu laporan")
    async with console(writes.server, "supervisor") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        dialog = await open_route(pilot, app, "o")
        await type_text(pilot, "bina marga")
        await pilot.press("enter")
        await type_text(pilot, "Bukan tupoksi kelurahan.")
        assert writes.assign("dispatcher", number, "officer").status_code == 200
        await until(pilot, lambda: "was changed by" in dialog.message_text, "the notice, without a key")
        assert "Sari Wulandari" in dialog.message_text and "Menunggu → Proses" in dialog.message_text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Cannot coordinate" in dialog.message_text, "why it no longer applies")
        assert app.screen is dialog
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Proses" and report["assignee"]["username"] == "officer"
    assert "coordinated" not in [action for action, _ in history(writes, number)]


async def test_reopen_a_selesai_report_back_to_its_officer(writes: Api):
    number = writes.submit(title="Ditutup terlalu cepat")
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    assert writes.follow_up("officer", number).status_code == 200
    assert writes.validate("validator", number, "accept").status_code == 200
    async with console(writes.server, "supervisor") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("R")
        dialog = await until(pilot, lambda: isinstance(app.screen, ReopenDialog) and app.screen, "the dialog")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: dialog.message_text == "The reason is required.", "the reason is required")
        await type_text(pilot, "Warga melapor lubang masih ada.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: f"{number} reopened: back with Budi Santoso." in toasts(app), "the toast")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Proses" and report["assignee"]["username"] == "officer"


async def test_keys_that_do_not_apply_say_why(writes: Api):
    number = writes.submit(title="Laporan petugas")
    assert writes.assign("dispatcher", number, "officer").status_code == 200  # in the officer's own view
    async with console(writes.server, "officer") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("o")
        await until(
            pilot, lambda: "Only dispatchers and supervisors coordinate" in toasts(app), "the officer's refusal"
        )
        await pilot.press("R")
        await until(pilot, lambda: "Only supervisors and validators reopen" in toasts(app), "the refusal")
        assert app.screen is screen
    async with console(writes.server, "supervisor") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("R")  # a report in Proses
        await until(pilot, lambda: "Cannot reopen: the report is Proses" in toasts(app), "the refusal")
        await pilot.press("d")
        await until(pilot, lambda: "Cannot dispose: the report is Proses" in toasts(app), "the refusal")
        waiting = writes.submit(title="Di kelurahan")
        await on_top(pilot, screen, waiting)
        await pilot.press("d")  # held by a kelurahan: no Suku Dinas under it
        await until(pilot, lambda: f"There is no agency {waiting} can go to." in toasts(app), "nowhere to go")
        assert app.screen is screen


async def test_what_the_agency_handed_on_is_listed_in_its_view_and_read_only(writes: Api):
    number = writes.submit(title="Diteruskan ke Bina Marga")
    assert writes.route("dispatcher", "coordinate", number, DBM).status_code == 200
    async with console(writes.server, "dispatcher") as (app, pilot):
        screen = app.screen
        await pilot.press("colon")
        await type_text(pilot, "view diteruskan")
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.name == "diteruskan", "the handed-on view")
        await on_top(pilot, screen, number)
        assert screen.current.status.value == "Koordinasi" and screen.current.agency.code == DBM
        await pilot.press("n")
        await until(pilot, lambda: f"Read-only: {number} was handed on to Dinas Bina Marga" in toasts(app), "why")
        assert app.screen is screen
    assert writes.detail("supervisor", number)[0]["notes"] == []


async def test_a_validator_starts_on_the_validation_queue_oldest_first(writes: Api):
    numbers = []
    for title in ("Menunggu validasi lebih dulu", "Menunggu validasi kemudian"):
        number = writes.submit(title=title)
        assert writes.assign("dispatcher", number, "officer").status_code == 200
        assert writes.follow_up("officer", number).status_code == 200
        numbers.append(number)
    async with console(writes.server, "validator") as (app, pilot):
        screen = app.screen
        assert screen.view.name == "validasi"
        rows = [screen.window.row(i) for i in range(screen.window.total or 0) if screen.window.row(i) is not None]
        assert rows and {row.status.value for row in rows} == {"Menunggu Validasi"}
        created = [row.created_at for row in rows]
        assert created == sorted(created)  # oldest first
        await pilot.press("r")
        await until(pilot, lambda: all(screen.window.index_of(n) is not None for n in numbers), "both listed")
        assert screen.window.index_of(numbers[0]) < screen.window.index_of(numbers[1])
