"""Hostile report text through every place the console draws it, in the real app against the
real server (tests/support/hostile.py): some of it sanitised by the server at intake, some planted
raw, as a backend that does not sanitise would send it.

For each: the app keeps running, the text appears literally (markup as typed, controls gone),
no action runs (nothing is clickable, clicking does nothing), the list's columns stay aligned.
"""

from __future__ import annotations

import time

import pytest
from textual.widgets import Static

from crm_text.sanitize import clean_line, clean_text
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.filter_dialog import FilterDialog
from crm_tui.dialogs.help_screen import HelpScreen
from tests.crm_tui.harness import console, screen_text, type_text, until
from tests.crm_tui.hostile_screen import (
    assert_clean_screen,
    click_every_hostile_link,
    links_on_screen,
    toasts,
)
from tests.support.hostile import (
    AGENCY_NAME,
    CATEGORY_NAME,
    CLICK,
    DISPATCHER,
    HISTORY_DETAIL,
    NOTE,
    OFFICER_NAME,
    OFFICER_NAMES,
    HostileReport,
    control_characters,
    shown_block,
    shown_line,
)
from widgets.field_list import FieldList

SIZE = (100, 40)  # below 110 columns: the list on top, full width, the detail under it
TITLE_CHARS, ADDRESS_CHARS = 200, 500  # what the server's intake keeps (crm_server.services.intake)


pytestmark = pytest.mark.usefixtures("english_ui")


def expected(report: HostileReport) -> dict[str, str]:
    """What the detail must show for each field: the sanitiser's output of what the server sent."""
    spec = report.spec
    if report.variant == "intake":
        title, description = clean_line(spec.title, max_chars=TITLE_CHARS), clean_text(spec.description)
        address = clean_line(spec.address, max_chars=ADDRESS_CHARS)
    else:
        title, description, address = spec.title, spec.description, spec.address
    return {"title": shown_line(title), "description": shown_block(description), "address": shown_line(address)}


def plain(widget: Static) -> str:
    return str(widget.render())


@pytest.fixture
def quits(monkeypatch):
    """Every way a hostile link could end the console, recorded instead of run."""
    fired: list[str] = []
    from crm_tui.app import CrmApp

    monkeypatch.setattr(CrmApp, "action_quit", lambda self: fired.append("quit"))
    return fired


@pytest.mark.slow
async def test_every_hostile_report_in_the_list_and_the_detail(hostile_world, quits):
    by_number = {report.number: report for report in hostile_world.reports}
    async with console(hostile_world.server, DISPATCHER, size=SIZE) as (app, pilot):
        screen = app.screen
        text = assert_clean_screen(app)
        assert "Mallory [/bold] [b]" in text  # the operator's own name, planted raw
        assert "Cideng " + CLICK in text  # the agency, and the kelurahan column
        for index in range(len(by_number)):
            number = screen.window.row(index).number
            await until(
                pilot,
                lambda number=number: screen.current and screen.current.number == number,
                f"the detail of row {index}",
            )
            report = by_number[number]
            started = time.monotonic()
            await pilot.pause()
            want, detail = expected(report), screen.detail
            assert plain(detail.query_one("#title")) == want["title"], report.label
            assert plain(detail.query_one("#description")) == want["description"], report.label
            fields = {label: str(value) for label, value in detail.query_one("#fields", FieldList).rows}
            assert fields["Address"] == want["address"], report.label
            assert fields["Category"] == shown_line(CATEGORY_NAME)
            assert fields["Kelurahan"] == shown_line(AGENCY_NAME.removeprefix("Kelurahan "))
            if report.assignee is not None:
                assert fields["Assignee"] == shown_line(OFFICER_NAMES[report.assignee])
            history = "\n".join(str(value) for _, value in detail.query_one("#history", FieldList).rows)
            notes = "\n".join(str(value) for _, value in detail.query_one("#notes", FieldList).rows)
            for section in (history, notes, *fields.values()):
                assert control_characters(section) == [], report.label
            if report.variant == "raw":
                assert shown_line(HISTORY_DETAIL) in history
                assert shown_block(NOTE)[:2_000] in notes
            assert CLICK in notes and "Mallory [/bold] [b]" in history
            assert_clean_screen(app)
            assert await click_every_hostile_link(pilot, app) >= 1  # the list's category cells at least
            assert app.is_running and quits == [], report.label
            assert time.monotonic() - started < 5, f"{report.label} took too long to draw"
            await pilot.press("escape", "j")  # back to the list (a click may have focused the detail)

        # The end of the detail (history and notes) on screen, for the report with everything.
        markup = hostile_world.report("markup", "raw")
        screen.table.cursor = screen.window.index_of(markup.number)
        await until(pilot, lambda: screen.current.number == markup.number, "the markup report")
        await pilot.press("tab", "end")
        await pilot.pause()
        text = assert_clean_screen(app)
        assert "Catatan " + CLICK in text and ":smile:" in text
        await click_every_hostile_link(pilot, app)
        assert app.is_running and quits == []


@pytest.mark.slow
async def test_hostile_names_in_dialogs_toasts_the_command_line_and_help(hostile_world, quits):
    unassigned = hostile_world.report("invisible", "intake")
    async with console(hostile_world.server, DISPATCHER, size=SIZE) as (app, pilot):
        screen = app.screen
        index = screen.window.index_of(unassigned.number)
        screen.table.cursor = index
        await until(pilot, lambda: screen.current and screen.current.number == unassigned.number)

        await pilot.press("a")  # officers' names from the server, in the dialog's list
        await until(pilot, lambda: isinstance(app.screen, AssignDialog), "the assign dialog")
        await pilot.pause()
        assert shown_line(OFFICER_NAME) in assert_clean_screen(app)
        await click_every_hostile_link(pilot, app)
        await type_text(pilot, "evil")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AssignDialog), "the assignment")
        toast = f"{unassigned.number} assigned to {shown_line(OFFICER_NAME)}"
        await until(pilot, lambda: toast in toasts(app), "the toast")
        assert_clean_screen(app)
        assert await click_every_hostile_link(pilot, app) >= 1
        assert app.is_running and quits == []

        await pilot.press("colon")  # echoed in a toast
        await type_text(pilot, "[@click=app.quit]x[/] [/bold]")
        await pilot.press("enter")
        await until(pilot, lambda: "Unknown command: [@click=app.quit]x[/] [/bold]" in toasts(app), "the echo")
        assert_clean_screen(app)
        await click_every_hostile_link(pilot, app)

        await pilot.press("f")  # category names from the server
        await until(pilot, lambda: isinstance(app.screen, FilterDialog), "the filter dialog")
        app.screen.query_one("#category-filter").focus()
        await type_text(pilot, "lainnya")  # narrows the list to the planted name
        options = app.screen.query_one("#category")
        prompts = lambda: [str(option.prompt) for option in options.options]  # noqa: E731
        await until(pilot, lambda: shown_line(CATEGORY_NAME) in prompts(), "the category")
        await pilot.pause()
        assert "Lainnya " + CLICK in screen_text(app)  # (the rest wraps to the next line)
        assert control_characters(screen_text(app)) == [] and links_on_screen(app) == []
        await click_every_hostile_link(pilot, app)
        await pilot.press("escape")

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        assert control_characters(screen_text(app)) == [] and links_on_screen(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and quits == []
        assert app.title == "CRM" and not app.sub_title  # nothing set it from the data
