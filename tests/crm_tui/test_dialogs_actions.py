"""Assign, close and note dialogs against the real server, driven by keys only.

The submit callables are what the main screen hands the dialogs: the API client's write, with
one idempotency key per distinct payload, acting on the report as the screen last loaded it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, TextArea

from api_client import CrmClient, Report, ReportQuery, ReportStatus, ReportSummary, Resolution, RetryPolicy, Timeouts
from crm_tui.dialogs.action_dialog import one_key_per_payload
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.close_dialog import CloseDialog, ClosePayload
from crm_tui.dialogs.note_dialog import NoteDialog
from crm_tui.textual_internals import screen_strips
from tests.crm_server.helpers import Api
from tests.crm_tui.harness import type_text
from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess
from tests.widgets import fixtures

SIZE = (80, 24)
FAST_RETRY = RetryPolicy(max_retries=2, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=1.0)
QUICK = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0, deadline=10.0, stream_read=5.0)
REPORT = fixtures.summary(0, number="JK2503050007")


class Host(App[None]):
    """Stands in for the main screen: pushes a dialog and records what it returns."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def show(self, dialog: Screen) -> None:
        self.push_screen(dialog, self.results.append)


class Loaded:
    """What the main screen hands a dialog: writes on the version the dialog is bound to, and the
    newest version of the report when the server says it changed."""

    def __init__(self, client: CrmClient, report: Report) -> None:
        self.client = client
        self.report = report
        self.keys: list[tuple[object, str]] = []  # (payload, idempotency key) of each try
        self.versions: list[int] = []  # the version each try acted on
        self.conflicts = 0

    async def reload(self, number: str) -> Report:
        self.conflicts += 1
        self.report = await self.client.get_report(number)
        return self.report

    def _tried(self, version: ReportSummary, payload: object, key: str) -> None:
        self.keys.append((payload, key))
        self.versions.append(version.version)

    def assign(self):
        async def call(version: ReportSummary, username: str, key: str) -> Report:
            self._tried(version, username, key)
            return await self.client.assign(version, username, idempotency_key=key)

        return one_key_per_payload(call)

    def close(self):
        async def call(version: ReportSummary, payload: ClosePayload, key: str) -> Report:
            self._tried(version, payload, key)
            return await self.client.close(
                version, payload.resolution, payload.note, duplicate_of=payload.duplicate_of, idempotency_key=key
            )

        return one_key_per_payload(call)

    def note(self):
        async def call(version: ReportSummary, text: str, key: str):
            self._tried(version, text, key)
            return await self.client.add_note(version.number, text, idempotency_key=key)

        return one_key_per_payload(call)


async def signed_in(server: ServerProcess, user: str = "dispatcher") -> CrmClient:
    client = CrmClient(server.base_url, retry=FAST_RETRY, timeouts=QUICK)
    await client.login(user, user + DEMO_PASSWORD_SUFFIX)
    return client


def first_name(officer) -> str:
    return officer.display_name.split()[0].lower()


def named(officers, username: str) -> str:
    return first_name(next(o for o in officers if o.username == username))


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in screen_strips(app))


def prompts(dialog: Screen, selector: str = "#officers") -> list[str]:
    options = dialog.query_one(selector, OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def settle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
async def dispatcher(writes_server: ServerProcess) -> AsyncIterator[CrmClient]:
    client = await signed_in(writes_server)
    yield client
    await client.aclose()


async def own(client: CrmClient, writes: Api, *, in_progress: bool = False) -> Report:
    """A report of the test's own on the shared server: waiting and unassigned, or in progress
    (assigned to officer by the supervisor)."""
    number = writes.submit()
    if in_progress:
        assert writes.assign("supervisor", number, "officer").status_code == 200
    return await client.get_report(number)


async def test_assign_narrows_as_the_operator_types_and_the_server_shows_the_assignee(dispatcher, writes):
    loaded = Loaded(dispatcher, await own(dispatcher, writes))
    officers = await dispatcher.officers()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(AssignDialog(loaded.report, officers, loaded.assign()))
        await pilot.pause()
        dialog = app.screen
        text = screen_text(app)
        assert f"Assign {loaded.report.number}" in text
        for officer in officers:
            assert f"{officer.display_name} ({officer.username}) · {officer.open_workload} open" in text
        await type_text(pilot, "OFFICER3")  # by username, case-insensitive
        await pilot.pause()
        (only,) = prompts(dialog)
        assert "(officer3) · " in only
        rina = next(o for o in officers if o.username == "officer2")
        await pilot.press("ctrl+u")  # by display name
        await type_text(pilot, first_name(rina))
        await pilot.pause()
        assert prompts(dialog) == [f"{rina.display_name} (officer2) · {rina.open_workload} open"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is not dialog
    (result,) = app.results
    assert isinstance(result, Report) and result.assignee.username == "officer2"
    on_server = await dispatcher.get_report(loaded.report.number)
    assert on_server.assignee.username == "officer2" and on_server.status is ReportStatus.PROSES


async def test_a_stale_version_says_who_changed_it_keeps_the_input_and_reloads(writes, dispatcher):
    loaded = Loaded(dispatcher, await own(dispatcher, writes))
    supervisor = await signed_in(writes.server, "supervisor")
    try:
        changed_by = (await supervisor.me()).display_name
        await supervisor.assign(loaded.report, "officer")  # the dispatcher's copy is now stale
    finally:
        await supervisor.aclose()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        officers = await dispatcher.officers()
        dialog = AssignDialog(loaded.report, officers, loaded.assign(), reload=loaded.reload)
        app.show(dialog)
        await pilot.pause()
        await type_text(pilot, named(officers, "officer2"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog  # still open
        assert f"{loaded.report.number} was changed by {changed_by} at " in dialog.message_text
        assert changed_by in screen_text(app)
        assert dialog.query_one("#officer-filter", Input).value == named(officers, "officer2")
        assert dialog.highlighted_officer.username == "officer2"
        assert loaded.conflicts == 1 and loaded.report.assignee.username == "officer"
        officer_name = next(o.display_name for o in officers if o.username == "officer")
        assert f"status Menunggu → Proses; officer — → {officer_name}." in dialog.message_text
        assert "press Enter to apply it to the new version" in dialog.message_text
        assert len(loaded.versions) == 1  # nothing is sent again until the operator confirms
        await pilot.press("enter")  # the operator's yes: on the new version
        await settle(app, pilot)
        assert app.screen is not dialog
    assert loaded.versions == [loaded.versions[0], loaded.versions[0] + 1]
    assert app.results[-1].assignee.username == "officer2"
    assert (await dispatcher.get_report(loaded.report.number)).assignee.username == "officer2"


@pytest.mark.slow
async def test_server_down_keeps_the_dialog_and_its_input_and_retry_succeeds_once_back(make_server):
    # A server of its own: this test stops it and starts another on its database and port.
    server = make_server(reports=20)
    client = await signed_in(server)
    api = Api(server)
    restarted: ServerProcess | None = None
    try:
        loaded = Loaded(client, await own(client, api))
        officers = await client.officers()
        server.stop()
        app = Host()
        async with app.run_test(size=SIZE) as pilot:
            dialog = AssignDialog(loaded.report, officers, loaded.assign())
            app.show(dialog)
            await pilot.pause()
            await type_text(pilot, named(officers, "officer3"))
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is dialog and app.results == []
            assert "Cannot reach the CRM server." in dialog.message_text
            assert "press Enter to try again" in dialog.message_text
            assert dialog.query_one("#officer-filter", Input).value == named(officers, "officer3")
            assert dialog.highlighted_officer.username == "officer3"

            restarted = ServerProcess(server.db_path, port=server.port).start()  # same data, same port
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is not dialog
        assert app.results[-1].assignee.username == "officer3"
        assert (await client.get_report(loaded.report.number)).assignee.username == "officer3"
        # Both tries carried one idempotency key: a write that did land the first time is not repeated.
        assert len(loaded.keys) == 2 and loaded.keys[0] == loaded.keys[1]
    finally:
        api.close()
        await client.aclose()
        if restarted is not None:
            restarted.stop()


async def test_close_needs_a_note_and_a_confirmation(dispatcher, writes):
    loaded = Loaded(dispatcher, await own(dispatcher, writes, in_progress=True))
    number = loaded.report.number
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = CloseDialog(loaded.report, loaded.close())
        app.show(dialog)
        await pilot.pause()
        await pilot.press("ctrl+s")  # no note yet
        await pilot.pause()
        assert dialog.message_text == "A closing note is required."
        assert isinstance(dialog.focused, TextArea) and loaded.keys == []

        await pilot.press("shift+tab", "down", "down")  # resolution: tidak valid
        await pilot.press("tab")
        await type_text(pilot, "Tidak ada.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert f"Close {number} as 'tidak valid'?" in screen_text(app)
        assert "y/⏎/^s yes, close" in screen_text(app) and loaded.keys == []

        await pilot.press("n")  # back to the form, nothing sent, nothing lost
        await pilot.pause()
        assert f"Close {number} as" not in screen_text(app)
        assert dialog.query_one("#note", TextArea).text == "Tidak ada." and loaded.keys == []

        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is not dialog
    closed = app.results[-1]
    assert closed.status is ReportStatus.SELESAI and closed.resolution is Resolution.TIDAK_VALID
    on_server = await dispatcher.get_report(number)
    assert on_server.resolution is Resolution.TIDAK_VALID and on_server.history[-1].note == "Tidak ada."


async def test_duplikat_needs_a_valid_report_number(dispatcher, writes):
    loaded = Loaded(dispatcher, await own(dispatcher, writes, in_progress=True))
    original = (await dispatcher.list_reports(ReportQuery(status=("Selesai",)), limit=1)).items[0].number
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = CloseDialog(loaded.report, loaded.close())
        app.show(dialog)
        await pilot.pause()
        assert "Duplicate of" not in screen_text(app)  # shown for duplikat only
        await pilot.press("down")
        await pilot.pause()
        assert "Duplicate of" in screen_text(app)
        await pilot.press("tab")
        await type_text(pilot, "JK123")
        await pilot.press("tab")
        await type_text(pilot, "Sama.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.message_text.startswith("Not a valid original report number")
        assert dialog.focused is dialog.query_one("#duplicate-of", Input)
        assert "as 'duplikat'" not in screen_text(app) and loaded.keys == []

        await pilot.press("ctrl+u")  # itself
        await type_text(pilot, loaded.report.number)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.message_text == "A report cannot be a duplicate of itself."

        await pilot.press("ctrl+u")
        await type_text(pilot, original.lower())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert f"as 'duplikat' of {original}?" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is not dialog
    assert app.results[-1].duplicate_of == original
    assert (await dispatcher.get_report(loaded.report.number)).resolution is Resolution.DUPLIKAT


async def test_note_is_required_and_saved_with_ctrl_s(dispatcher, writes):
    loaded = Loaded(dispatcher, await own(dispatcher, writes, in_progress=True))
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = NoteDialog(loaded.report, loaded.note())
        app.show(dialog)
        await pilot.pause()
        assert "^s save" in screen_text(app)
        await pilot.press("space", "enter", "ctrl+s")  # blank is empty
        await pilot.pause()
        assert dialog.message_text == "The note cannot be empty." and loaded.keys == []
        await type_text(pilot, "Sudah.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not dialog
    assert app.results[-1].text == "Sudah."
    notes = (await dispatcher.get_report(loaded.report.number)).notes
    assert notes[-1].text == "Sudah."


async def test_drafts_survive_cancel_a_covering_screen_and_reopening(dispatcher, writes):
    loaded = Loaded(dispatcher, await own(dispatcher, writes, in_progress=True))
    original = (await dispatcher.list_reports(ReportQuery(status=("Selesai",)), limit=1)).items[0].number
    drafts: list[dict] = []
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(CloseDialog(loaded.report, loaded.close(), keep_draft=lambda d: drafts.append(dict(d))))
        await pilot.pause()
        await pilot.press("down", "tab")
        await type_text(pilot, original)
        await pilot.press("tab")
        await type_text(pilot, "Ganda.")
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert drafts[-1] == {"resolution": "duplikat", "note": "Ganda.", "duplicate_of": original}

        dialog = CloseDialog(loaded.report, loaded.close(), draft=drafts[-1], keep_draft=drafts.append)
        app.show(dialog)
        await pilot.pause()
        assert dialog.resolution is Resolution.DUPLIKAT
        assert dialog.query_one("#note", TextArea).text == "Ganda."
        assert dialog.query_one("#duplicate-of", Input).value == original

        await pilot.press("tab", "tab", "end")  # more text, then it asks
        await type_text(pilot, " Lagi")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.push_screen(Screen())  # e.g. the idle lock covers the dialog
        await pilot.pause()
        assert drafts[-1]["note"] == "Ganda. Lagi"
        app.pop_screen()
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is not dialog
    assert drafts[-1] == {}  # done: the screen may forget the draft
    assert app.results[-1].duplicate_of == original
    assert loaded.keys[-1][0] == ClosePayload(Resolution.DUPLIKAT, "Ganda. Lagi", original)


async def test_the_draft_is_kept_when_the_app_closes_with_the_dialog_open():
    drafts: list[dict] = []
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(NoteDialog(REPORT, Gate(), keep_draft=lambda d: drafts.append(dict(d))))
        await pilot.pause()
        await type_text(pilot, "half")
        await pilot.pause()
    assert drafts == [{"text": "half"}]


async def test_indonesian_labels_and_question(ui_language):
    ui_language("id")
    sent: list[object] = []

    async def submit(_report: ReportSummary, payload: ClosePayload) -> ClosePayload:
        sent.append(payload)
        return payload

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(CloseDialog(REPORT, submit))
        await pilot.pause()
        text = screen_text(app)
        assert "Tutup JK2503050007" in text and "bukan wewenang" in text and "Catatan (wajib)" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.message_text == "Catatan penutupan wajib diisi."
        await type_text(pilot, "Beres.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Tutup JK2503050007 sebagai 'bukan wewenang'?" in screen_text(app)
        assert "y/⏎/^s ya, tutup" in screen_text(app) and sent == []
        await pilot.press("enter")
        await settle(app, pilot)
    assert sent == [ClosePayload(Resolution.BUKAN_WEWENANG, "Beres.", None)] == app.results


class Gate:
    """A submit that waits until the test opens the gate: a write held in flight."""

    def __init__(self) -> None:
        self.calls: list[object] = []
        self.open = asyncio.Event()

    async def __call__(self, _report: ReportSummary, payload: object) -> str:
        self.calls.append(payload)
        await self.open.wait()
        return f"done:{payload}"


async def test_keys_pressed_while_saving_neither_cancel_nor_repeat_the_write():
    gate = Gate()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = NoteDialog(REPORT, gate)
        app.show(dialog)
        await pilot.pause()
        await type_text(pilot, "ok")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.busy and dialog.message_text == "Saving…"
        await pilot.press("ctrl+s", "escape", "ctrl+s")
        await type_text(pilot, "more")
        await pilot.pause()
        assert app.screen is dialog and gate.calls == ["ok"]
        assert dialog.query_one("#note", TextArea).text == "ok"  # the form is locked while saving
        gate.open.set()
        await settle(app, pilot)
        assert app.screen is not dialog
    assert app.results == ["done:ok"]


async def test_a_result_arriving_under_another_screen_waits_for_it_to_close():
    gate = Gate()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = NoteDialog(REPORT, gate)
        app.show(dialog)
        await pilot.pause()
        await type_text(pilot, "ok")
        await pilot.press("ctrl+s")
        await pilot.pause()
        lock = Screen()
        app.push_screen(lock)  # e.g. the idle lock
        await pilot.pause()
        gate.open.set()
        await settle(app, pilot)
        assert app.screen is lock and app.results == []  # the lock stays on top
        app.pop_screen()
        await settle(app, pilot)
        assert app.screen is not dialog and not isinstance(app.screen, NoteDialog)
    assert app.results == ["done:ok"]
