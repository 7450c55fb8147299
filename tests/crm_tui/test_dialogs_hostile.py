"""Hostile text in every dialog: officer names, the name in a 412, error messages, categories,
help rows. It must appear literally (sanitised of escapes), run no action, and crash nothing."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from api_client import (
    AgencyRef,
    Category,
    CrmApiError,
    CrmClient,
    Officer,
    PreconditionFailed,
    ReportQuery,
    RetryPolicy,
    ValidationError,
)
from crm_tui.dialogs.action_dialog import one_key_per_payload
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.filter_dialog import FilterDialog
from crm_tui.dialogs.help_screen import HelpScreen
from crm_tui.dialogs.note_dialog import NoteDialog
from crm_tui.textual_internals import screen_strips
from tests.crm_server.helpers import Api
from tests.crm_tui.harness import type_text
from tests.support.hostile import add_operator
from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess
from tests.widgets import fixtures

SIZE = (80, 24)
FAST_RETRY = RetryPolicy(max_retries=1, initial_backoff=0.01, max_backoff=0.02)
MARKUP = "[@click=app.pwned]x[/] [/bold] [@click=app.quit]q[/]"
ESCAPES = "\x1b]0;pwned\x07\x1b[31m\u202e\u200b\x9b2J"
HOSTILE = f"{MARKUP} {ESCAPES}"
SHORT = "[@click=app.pwned]x[/] [/bold] " + ESCAPES  # fits a 60-character name


class Host(App[None]):
    """Records what dialogs return, and any action a hostile string might trigger."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.fired: list[str] = []

    def show(self, dialog: Screen) -> None:
        self.push_screen(dialog, self.results.append)

    def action_pwned(self) -> None:
        self.fired.append("pwned")


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in screen_strips(app))


def assert_literal_and_clean(text: str) -> None:
    assert "[@click=app.pwned]x[/]" in text and "[/bold]" in text
    assert "]0;pwned" in text  # the text stays, its escape and bell go
    for char in "\x1b\x07\x9b\u202e\u200b":
        assert char not in text


def links_on_screen(app: App) -> list[object]:
    """Actions bound to any cell on screen: a live `[@click=...]` would put one there."""
    return [
        segment.style.meta["@click"]
        for strip in screen_strips(app)
        for segment in strip
        if segment.style is not None and "@click" in (segment.style.meta or {})
    ]


async def click_on_hostile_text(pilot, app: App, widget: Widget) -> int:
    """Click where each `[@click=app.pwned]x[/]` inside `widget` starts (where a live link's
    "x" would be drawn); returns how many were found there."""
    region = widget.region
    rows = screen_text(app).splitlines()
    found = 0
    for y in range(region.y, region.bottom):
        x = rows[y].find("[@click=app.pwned]x[/]", region.x, region.right)
        if x >= 0:
            found += 1
            for dx in range(3):
                await pilot.click(offset=(x + dx, y))
    return found


async def assert_nothing_fired(app: Host, pilot) -> None:
    await pilot.pause()
    assert links_on_screen(app) == []
    assert app.fired == [] and app.is_running


pytestmark = pytest.mark.usefixtures("english_ui")


async def signed_in(server: ServerProcess, user: str) -> CrmClient:
    client = CrmClient(server.base_url, retry=FAST_RETRY)
    await client.login(user, user + DEMO_PASSWORD_SUFFIX)
    return client


async def test_hostile_names_from_the_server_in_the_officer_list_and_the_conflict(make_server):
    # A server of its own: the officers added here would be in every other test's officer list.
    server = make_server(reports=20)
    add_operator(server, "evil-officer", "officer", "Evil " + MARKUP)
    add_operator(server, "evil-dispatcher", "dispatcher", "Mallory " + MARKUP)
    dispatcher = await signed_in(server, "dispatcher")
    mallory = await signed_in(server, "evil-dispatcher")
    try:
        with Api(server) as api:
            report = await dispatcher.get_report(api.submit())  # waiting, unassigned
        officers = await dispatcher.officers()
        assert any(o.display_name == "Evil " + MARKUP for o in officers)
        # Escapes cannot get past the server's intake; these come as if from a leaky backend.
        agency = officers[0].agency
        officers.append(Officer(username="leaky", display_name="Leaky " + ESCAPES, agency=agency, open_workload=0))
        await mallory.assign(report, "officer")  # the dispatcher's copy is now stale

        async def assign(version, username: str, key: str):
            return await dispatcher.assign(version, username, idempotency_key=key)

        async def reload(number: str):
            return await dispatcher.get_report(number)

        app = Host()
        async with app.run_test(size=SIZE) as pilot:
            dialog = AssignDialog(report, officers, one_key_per_payload(assign), reload=reload)
            app.show(dialog)
            await pilot.pause()
            text = screen_text(app)
            assert "Evil [@click=app.pwned]x[/] [/bold] [@click=app.quit]q[/] (evil-officer)" in text
            assert_literal_and_clean(text)
            await assert_nothing_fired(app, pilot)

            await type_text(pilot, "[/bold] evil")  # typing markup narrows like any text
            await pilot.pause()
            assert dialog.highlighted_officer.username == "evil-officer"
            await pilot.press("enter")  # stale: 412 from Mallory
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is dialog
            assert f"{report.number} was changed by Mallory {MARKUP} at " in dialog.message_text
            assert await click_on_hostile_text(pilot, app, dialog.query_one("#dialog-message")) == 1
            await assert_nothing_fired(app, pilot)

            await pilot.press("enter")  # on the new version, now that the operator has seen it
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is not dialog
        assert app.results[-1].assignee.username == "evil-officer"
    finally:
        await dispatcher.aclose()
        await mallory.aclose()


@pytest.mark.parametrize(
    ("error", "echoed"),
    [
        (CrmApiError(HOSTILE), False),
        (ValidationError(HOSTILE, status_code=422), False),
        (PreconditionFailed(changed_by=HOSTILE), True),
    ],
    ids=["api-error", "validation", "conflict"],
)
async def test_hostile_error_messages_are_shown_literally(error: CrmApiError, echoed: bool):
    """A server's message is never shown (the dialog says what failed in its own words); the
    name of who changed the report is, literally."""

    async def submit(_report, _text: str):
        raise error

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = NoteDialog(fixtures.summary(0, number="JK2503050007"), submit)
        app.show(dialog)
        await pilot.pause()
        await type_text(pilot, "[/] ok")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog and app.results == []
        if echoed:
            assert_literal_and_clean(dialog.message_text)
            assert_literal_and_clean(screen_text(app))
        else:
            assert "CRM server" in dialog.message_text and "pwned" not in screen_text(app)
        for char in "\x1b\x07\x9b\u202e\u200b":
            assert char not in screen_text(app)
        found = await click_on_hostile_text(pilot, app, dialog.query_one("#dialog-message"))
        assert found == (1 if echoed else 0)
        await assert_nothing_fired(app, pilot)
        assert dialog.query_one("#note").text == "[/] ok"  # the input is intact


async def test_hostile_category_names_and_help_rows():
    categories = [
        Category(code="c1", name="Jalan Rusak", dinas_code=None),
        Category(code="c2", name="Bad " + SHORT, dinas_code=None),
    ]
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = FilterDialog(ReportQuery(), categories, True)
        app.show(dialog)
        await pilot.pause()
        assert_literal_and_clean(screen_text(app))
        await assert_nothing_fired(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()

        help_screen = HelpScreen([("report.assign", "a", "Assign " + SHORT), ("app.quit", "q", "Quit")])
        app.show(help_screen)
        await pilot.pause()
        assert_literal_and_clean(screen_text(app))
        assert await click_on_hostile_text(pilot, app, help_screen.query_one("#keys")) == 1
        await assert_nothing_fired(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert len(app.results) == 2


def test_prompts_are_content_not_markup():
    from crm_tui.dialogs.assign_dialog import officer_prompt

    agency = AgencyRef(code="X", name="X")
    prompt = officer_prompt(Officer(username="u", display_name=SHORT, agency=agency, open_workload=2))
    assert isinstance(prompt, Content) and not prompt.spans  # no style, no link came from the text
    assert_literal_and_clean(prompt.plain)


async def test_a_hostile_follow_up_in_the_validate_dialog():
    """The officer's name, the response, the note and the other report's number of a follow-up
    round as a leaky backend might send them: literal, clean, inert."""
    from crm_tui.dialogs.validate_dialog import ValidateDialog, ValidationPhotos

    evidence = {
        "id": 1,
        "content_type": "image/png",
        "width": 32,
        "height": 24,
        "sha256": "0" * 64,
        "perceptual_hash": "0" * 16,
        "captured_at": None,
        "uploaded_at": "2026-11-28T06:40:00Z",
        "similar_to": "[@click=app.pwned]x[/]" + ESCAPES,
    }
    follow_up = {
        "round": 1,
        "at": "2026-11-28T06:40:00Z",
        "officer": {"username": "evil", "display_name": "Evil " + SHORT},
        "response": HOSTILE,
        "note": HOSTILE,
        "evidence": [evidence],
        "validation": None,
    }
    report = fixtures.report(2, status="Menunggu Validasi", follow_ups=[follow_up])

    async def photo(_what: object) -> bytes:
        return fixtures.photo_png()

    async def never(_report: object, _payload: object) -> object:
        raise AssertionError("nothing is sent")

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = ValidateDialog(report, never, ValidationPhotos(photo, photo))
        app.show(dialog)
        await pilot.pause()
        round_text = str(dialog.query_one("#round").render())
        assert round_text.count("[@click=app.pwned]x[/]") == 3  # the name, the response, the note
        assert_literal_and_clean(round_text)
        flag = str(dialog.query_one("#flags").render())
        assert flag.startswith("Evidence 1: WARNING: ") and "[@click=app.pwned]x[/]" in flag
        for char in "\x1b\x07\x9b\u202e\u200b":
            assert char not in flag
        assert await click_on_hostile_text(pilot, app, dialog.query_one("#round")) >= 1
        await assert_nothing_fired(app, pilot)
