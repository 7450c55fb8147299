"""`t`: the assigned officer's follow-up on the real server: the response, a note and evidence
photos typed by path (a file that is not a photo is refused before anything is sent); the
dialog is bound to the version it opened on; other roles never see the key."""

from __future__ import annotations

import pytest

from crm_tui.dialogs.follow_up_dialog import FollowUpDialog
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api, jpeg_bytes, text_png
from tests.crm_tui.harness import console, toasts, type_text, until
from tests.crm_tui.test_routing_keys import history, on_top

pytestmark = pytest.mark.usefixtures("english_ui")


async def open_follow_up(pilot, app) -> FollowUpDialog:
    await pilot.press("t")
    return await until(pilot, lambda: isinstance(app.screen, FollowUpDialog) and app.screen, "the follow-up dialog")


async def test_an_officer_follows_up_with_evidence_typed_by_path(writes: Api, tmp_path):
    number = writes.submit(title="Lampu jalan mati")
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    (tmp_path / "after.png").write_bytes(text_png("TL"))
    (tmp_path / "notes.png").write_bytes(b"not a photo at all")
    async with console(writes.server, "officer") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        dialog = await open_follow_up(pilot, app)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "The response to the reporter is required." in dialog.message_text, "required")
        await type_text(pilot, "Lampu sudah diganti.")
        await pilot.press("tab")
        await type_text(pilot, "Kabel putus.")
        await pilot.press("tab")
        await type_text(pilot, str(tmp_path / "notes.png"))
        await pilot.press("enter")
        await until(pilot, lambda: "notes.png: not a JPEG or PNG photo." in dialog.message_text, "refused by content")
        assert dialog.chosen == []
        dialog.query_one("#photo-path").value = ""
        await type_text(pilot, str(tmp_path / "after.png"))
        await pilot.press("enter")
        await until(pilot, lambda: len(dialog.chosen) == 1, "the photo listed")
        assert "Evidence photos (1/4)" in str(dialog.query_one("#photos-title").render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: f"The follow-up on {number} was sent" in toasts(app), "the toast")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Menunggu Validasi"
    assert history(writes, number)[-1][0] == "followed_up"


async def test_a_follow_up_dialog_acts_on_the_version_it_opened_on(writes: Api, tmp_path):
    """The report goes to another officer while the dialog is open: the dialog says who changed
    what, and the follow-up is no longer this officer's to send."""
    number = writes.submit(title="Dua petugas, satu laporan")
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    (tmp_path / "after.jpg").write_bytes(jpeg_bytes())
    async with console(writes.server, "officer") as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        dialog = await open_follow_up(pilot, app)
        await type_text(pilot, "Sudah dikerjakan.")
        assert dialog.add_photo(str(tmp_path / "after.jpg"))
        assert writes.assign("dispatcher", number, "officer2").status_code == 200
        await until(pilot, lambda: "was changed by" in dialog.message_text, "the notice, without a key")
        assert "Rina Marlina" in dialog.message_text
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: "Cannot submit a follow-up: the report is not assigned to you." in dialog.message_text,
            "why not now",
        )
        assert app.screen is dialog
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Proses" and report["assignee"]["username"] == "officer2"


async def test_other_roles_do_not_see_the_follow_up_key(writes: Api):
    number = writes.submit(title="Bukan untuk supervisor")
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    async with console(writes.server, "supervisor") as (app, pilot):
        screen: MainScreen = app.screen
        await on_top(pilot, screen, number)
        assert screen.check_action("follow_up", ()) is False  # hidden: never the supervisor's
        await pilot.press("t")
        await until(pilot, lambda: "Only officers submit a follow-up." in toasts(app), "the refusal")
        assert app.screen is screen
