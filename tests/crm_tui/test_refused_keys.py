"""Every write key that is refused says why, in the UI's language; none is dropped silently."""

from __future__ import annotations

from api_client.query import ReportQuery
from crm_tui.dialogs.close_dialog import CloseDialog
from tests.crm_tui.harness import console, toasts, until


async def on_status(pilot, screen, status: str) -> None:
    screen.set_query(ReportQuery(status=(status,)))
    await until(pilot, lambda: screen.current is not None and screen.current.status == status, f"a {status} report")


async def test_a_dispatcher_is_told_why_a_key_does_nothing(demo_server, english_ui):
    async with console(demo_server, keymap={"main.assign": "x"}) as (app, pilot):
        screen = app.screen
        await on_status(pilot, screen, "Menunggu Validasi")
        await pilot.press("x")  # assign, remapped
        await until(pilot, lambda: "Cannot assign: the report is Menunggu Validasi." in toasts(app), "why not")
        await pilot.press("m")  # hidden for the role, still explained
        await until(pilot, lambda: "Only officers claim reports" in toasts(app), "why not claim")
        await on_status(pilot, screen, "Selesai")
        await pilot.press("c")
        await until(pilot, lambda: "Cannot close: the report is already Selesai." in toasts(app), "why not close")
        assert not isinstance(app.screen, CloseDialog)


async def test_an_officer_is_told_why_in_indonesian(demo_server, ui_language):
    ui_language("id")
    async with console(demo_server, "officer") as (app, pilot):
        screen = app.screen
        screen.set_query(ReportQuery(assignee="unassigned", status=("Menunggu",)))
        await until(pilot, lambda: screen.current is not None and screen.current.assignee is None, "someone else's")
        await pilot.press("n")
        await until(
            pilot,
            lambda: "Tidak dapat menambah catatan: laporan ini tidak ditugaskan kepada Anda." in toasts(app),
            "why no note",
        )
        await pilot.press("a")
        await until(pilot, lambda: "Petugas tidak menugaskan laporan" in toasts(app), "why no assign")
        await on_status(pilot, screen, "Selesai")
        await pilot.press("c")  # officers follow up; closing directly is for the routing roles
        await until(pilot, lambda: "petugas mengirim tindak lanjut untuk divalidasi" in toasts(app), "why no close")
