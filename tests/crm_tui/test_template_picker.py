"""Response templates in the close (`c`) and follow-up (`t`) dialogs, against the real server's
demo templates: the picker offers the report's category's templates and those for every
category, Enter fills the text for that report, and the text stays the operator's to edit.
Without templates the picker says so and Tab passes it by; hostile template text is inert."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from api_client import APIConnectionError, ResponseTemplate
from crm_tui.dialogs.close_dialog import CloseDialog
from crm_tui.dialogs.follow_up_dialog import FollowUpDialog
from tests.crm_server.helpers import Api
from tests.crm_tui.harness import console, screen_text, type_text, until
from tests.crm_tui.test_dialogs_hostile import (
    ESCAPES,
    MARKUP,
    SHORT,
    Host,
    assert_literal_and_clean,
    assert_nothing_fired,
    click_on_hostile_text,
)
from tests.crm_tui.test_routing_keys import on_top
from tests.widgets import fixtures
from widgets.template_picker import TemplatePicker

pytestmark = pytest.mark.usefixtures("english_ui")


def offered(dialog) -> list[str]:
    """The titles the picker shows now (none before it is mounted)."""
    return [template.title for picker in dialog.query(TemplatePicker) for template in picker.shown]


async def test_a_close_template_fills_the_note_which_stays_editable(writes: Api):
    number = writes.submit(title="Template close")
    async with console(writes.server) as (app, pilot):
        await on_top(pilot, app.screen, number)
        await pilot.press("c")
        dialog = await until(pilot, lambda: isinstance(app.screen, CloseDialog) and app.screen, "the close dialog")
        await until(pilot, lambda: "Duplikat laporan sebelumnya" in offered(dialog), "the close templates")
        assert "Sudah ditindaklanjuti" not in offered(dialog)  # a follow-up's, not a close's
        await pilot.press("tab")  # from the resolutions to the templates
        await type_text(pilot, "dupli")
        assert offered(dialog) == ["Duplikat laporan sebelumnya"]
        assert "“dupli” (1 of 3)" in screen_text(app)
        await pilot.press("enter")
        note = dialog.query_one("#note", TextArea)
        assert note.has_focus
        assert note.text.startswith(f"Laporan {number} sama dengan laporan yang sudah ada")
        await type_text(pilot, " Lihat JK2503050007.")  # typed at the end of the filled text
        assert note.text.endswith("pada laporan aslinya. Lihat JK2503050007.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: dialog.confirming, "the question")
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, CloseDialog), "the dialog closed")
    closed, _ = writes.detail("supervisor", number)
    assert closed["status"] == "Selesai" and closed["history"][-1]["note"] == note.text


async def test_the_follow_up_offers_the_reports_category_and_fills_the_response(writes: Api):
    number = writes.submit(title="Template follow-up", category="jalan-rusak")  # lands at DBM.JP
    assert writes.assign("dispatcher.dbm", number, "officer.dbm").status_code == 200
    async with console(writes.server, "officer.dbm") as (app, pilot):
        await on_top(pilot, app.screen, number)
        await pilot.press("t")
        dialog = await until(pilot, lambda: isinstance(app.screen, FollowUpDialog) and app.screen, "the dialog")
        await until(pilot, lambda: offered(dialog), "the follow-up templates")
        # The roads' template and the one for every category; not the rubbish one, nor a close's.
        assert offered(dialog) == ["Jalan sudah diperbaiki", "Sudah ditindaklanjuti"]
        response = dialog.query_one("#response", TextArea)
        assert response.has_focus
        await type_text(pilot, "Draf.")
        await pilot.press("shift+tab", "down", "enter")
        assert response.has_focus
        filled = next(t for t in dialog.query_one(TemplatePicker).templates or () if t.title.startswith("Sudah"))
        assert response.text == filled.filled(dialog.report) and number in response.text  # replaces the draft
        await pilot.press("shift+tab", "up", "enter")  # another one replaces it again
        assert response.text.startswith("Kerusakan jalan yang dilaporkan di Kelurahan Cideng sudah diperbaiki")
        await pilot.press("backspace")
        await type_text(pilot, " Terima kasih!")
        assert response.text.endswith("Terima kasih atas laporan Anda Terima kasih!")


async def test_no_templates_or_none_loaded_says_so_and_tab_passes_it_by():
    async def none() -> list[ResponseTemplate]:
        return []

    async def unreachable() -> list[ResponseTemplate]:
        raise APIConnectionError(cause="ConnectError")

    async def never(_report, _payload):
        raise AssertionError("nothing is sent")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        for load, says in ((none, "There are no templates for this report."), (unreachable, "could not be loaded")):
            dialog = CloseDialog(fixtures.summary(0), never, templates=load)
            app.show(dialog)
            await until(pilot, lambda: says in screen_text(app), says)  # noqa: B023
            await pilot.press("tab")  # from the resolutions straight to the note
            assert dialog.query_one("#note", TextArea).has_focus
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is not dialog, "closed")  # noqa: B023


async def test_hostile_template_text_is_drawn_and_filled_inert():
    hostile = ResponseTemplate(
        id=1,
        action="close",
        title=f"Evil {SHORT}",
        text=f"Laporan {{number}} {MARKUP} {ESCAPES}",
        categories=(),
    )

    async def load() -> list[ResponseTemplate]:
        return [hostile]

    async def never(_report, _payload):
        raise AssertionError("nothing is sent")

    report = fixtures.summary(0)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = CloseDialog(report, never, templates=load)
        app.show(dialog)
        await until(pilot, lambda: offered(dialog), "the template listed")
        assert_literal_and_clean(screen_text(app))
        assert await click_on_hostile_text(pilot, app, dialog.query_one(TemplatePicker)) == 1
        await assert_nothing_fired(app, pilot)
        dialog.query_one("#templates OptionList").focus()
        await pilot.press("enter")
        note = dialog.query_one("#note", TextArea).text
        assert note.startswith(f"Laporan {report.number} [@click=app.pwned]x[/]")
        assert_literal_and_clean(note)
        assert_literal_and_clean(screen_text(app))
        await assert_nothing_fired(app, pilot)
