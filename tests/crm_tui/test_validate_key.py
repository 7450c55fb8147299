"""`v`: the validator's decision on the real server: the last follow-up round with its evidence
drawn (and the reporter's photo beside it, unless the report is private: then it is never asked
for), the duplicate-evidence flag above everything; accept, or reject with the required reason;
the dialog stays bound to the report and version it opened on; other roles never see the key."""

from __future__ import annotations

import random

import pytest
from textual.widgets import TextArea

from api_client import CrmClient
from crm_tui.dialogs.validate_dialog import ValidateDialog
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api, encoded, jpeg_bytes, scene
from tests.crm_tui import faults
from tests.crm_tui.harness import console, toasts, type_text, until
from tests.crm_tui.test_refused_keys import on_status
from tests.crm_tui.test_routing_keys import history
from tests.crm_tui.test_template_picker import offered

pytestmark = pytest.mark.usefixtures("english_ui")


def own_photo() -> bytes:
    """Evidence unlike any other test's (similar photos are flagged across every report)."""
    return encoded(scene(random.randrange(1 << 30)))


def awaiting_validation(writes: Api, *, evidence: list[bytes] | None = None, **submit) -> str:
    """A report of the test's own, followed up by Budi Santoso (`officer`): Menunggu Validasi."""
    number = writes.submit(**submit)
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    sent = writes.follow_up("officer", number, evidence or [own_photo()], response="Lampu sudah diganti.", note="Kabel")
    assert sent.status_code == 200, sent.text[:300]
    return number


async def make_subject(pilot, screen: MainScreen, number: str) -> None:
    """`number` is the subject, as `:number` makes it (the validation queue lists it last, and
    a reload that lands meanwhile does not move the cursor off it)."""
    screen.jump(number)
    await until(pilot, lambda: screen.current is not None and screen.current.number == number, f"{number} shown")
    await until(pilot, lambda: screen.highlighted.number == number, f"{number} the subject")


async def open_validate(pilot, app, number: str) -> ValidateDialog:
    await pilot.press("v")
    dialog = await until(pilot, lambda: isinstance(app.screen, ValidateDialog) and app.screen, "the validate dialog")
    assert dialog.report.number == number
    return dialog


def photo_gets(transport: faults.Faults, number: str) -> int:
    return transport.count(lambda request: request.url.path.endswith(f"/reports/{number}/photo"))


async def test_a_validator_sees_the_evidence_and_accepts(writes: Api):
    number = awaiting_validation(writes, evidence=[own_photo(), own_photo()], photo=jpeg_bytes(color=(20, 90, 200)))
    async with console(writes.server, "validator") as (app, pilot):
        screen = app.screen
        await make_subject(pilot, screen, number)
        dialog = await open_validate(pilot, app, number)
        text = str(dialog.query_one("#round").render())
        assert "Follow-up round 1 by Budi Santoso" in text and "“Lampu sudah diganti.”" in text
        times = str(dialog.query_one("#evidence-times").render()).splitlines()
        assert [t.split(":")[0] for t in times] == ["Evidence 1", "Evidence 2"]
        assert all("taken " in t and ", uploaded " in t for t in times)
        assert not dialog.flags()
        panels = [dialog.citizen_panel, *dialog.evidence_panels]
        await until(pilot, lambda: all(p.state == "shown" for p in panels), "the reporter's photo and both evidence")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Choose accept or reject." in dialog.message_text, "no decision by default")
        await pilot.press("down", "ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: f"The follow-up on {number} was accepted: Selesai." in toasts(app), "the toast")
        await until(pilot, lambda: screen.current.status == "Selesai", "the detail shows it")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "Selesai" and report["resolution"] == "selesai"
    assert history(writes, number)[-1][0] == "accepted"


async def test_a_rejection_needs_its_reason_and_goes_back_to_the_officer(writes: Api):
    number = awaiting_validation(writes)
    async with console(writes.server, "validator") as (app, pilot):
        screen = app.screen
        await make_subject(pilot, screen, number)
        dialog = await open_validate(pilot, app, number)
        await pilot.press("down", "down", "ctrl+s")
        await until(pilot, lambda: "A reason is required to reject" in dialog.message_text, "the reason required")
        assert dialog.query_one("#reason").has_focus
        await type_text(pilot, "Foto bukti tidak menunjukkan lampu menyala.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: "was rejected: back to Budi Santoso." in toasts(app), "the toast")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "TL Ditolak" and report["assignee"]["username"] == "officer"
    assert report["follow_ups"][-1]["validation"]["reason"] == "Foto bukti tidak menunjukkan lampu menyala."


async def test_a_rejection_template_fills_the_reason_which_stays_editable(writes: Api):
    number = awaiting_validation(writes)
    async with console(writes.server, "validator") as (app, pilot):
        screen = app.screen
        await make_subject(pilot, screen, number)
        dialog = await open_validate(pilot, app, number)
        titles = ["Foto bukti tidak sesuai lokasi", "Tanggapan belum menjawab laporan"]
        await until(pilot, lambda: sorted(offered(dialog)) == titles, "the rejection templates only")
        await pilot.press("down", "down", "tab")  # reject, then on to the templates
        await type_text(pilot, "lokasi")
        await pilot.press("enter")
        reason = dialog.query_one("#reason", TextArea)
        assert reason.has_focus and reason.text.endswith(f"foto di lokasi laporan {number}.")
        await type_text(pilot, " Sertakan dua sudut.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "TL Ditolak"
    assert report["follow_ups"][-1]["validation"]["reason"].endswith(f"laporan {number}. Sertakan dua sudut.")


async def test_the_duplicate_evidence_flag_and_a_private_reports_photo_never_asked_for(writes: Api):
    reused = own_photo()
    first = awaiting_validation(writes, evidence=[reused])
    second = awaiting_validation(writes, evidence=[own_photo(), reused], private=True, photo=jpeg_bytes())
    transport = faults.Faults()  # nothing injected: it counts the requests
    async with console(writes.server, "validator", client=CrmClient(writes.server.base_url, transport=transport)) as (
        app,
        pilot,
    ):
        await make_subject(pilot, app.screen, second)
        dialog = await open_validate(pilot, app, second)
        flags = dialog.query_one("#flags")
        assert flags.display and "-none" not in flags.classes
        assert str(flags.render()) == f"Evidence 2: WARNING: this photo is nearly the same as evidence of {first}"
        assert flags.region.y < dialog.query_one("#round").region.y  # above the round, never scrolled away
        await until(pilot, lambda: all(p.state == "shown" for p in dialog.evidence_panels), "the evidence drawn")
        assert dialog.citizen_panel.state == "locked"
        assert photo_gets(transport, second) == 0


async def test_the_dialog_stays_on_its_report_and_version(writes: Api):
    """The cursor moves and another validator decides while the dialog is open: it says who
    changed what and does not send on the new version."""
    number = awaiting_validation(writes)
    other = awaiting_validation(writes)
    async with console(writes.server, "validator") as (app, pilot):
        screen: MainScreen = app.screen
        await make_subject(pilot, screen, number)
        dialog = await open_validate(pilot, app, number)
        await pilot.press("down")  # accept
        other_row = await until(pilot, lambda: screen.window.index_of(other), f"{other} listed")
        screen.table.cursor = other_row
        await until(pilot, lambda: screen.current.number == other, "the cursor on another report")
        assert writes.note("dispatcher", other).status_code == 201  # a note changes no version
        await until(pilot, lambda: screen._events_from is not None, "the event stream followed")
        assert writes.validate("validator", number, "reject", "Ulangi.").status_code == 200
        await until(pilot, lambda: "was changed by Ratna Kusuma" in dialog.message_text, "the notice, without a key")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Cannot validate: the report is TL Ditolak" in dialog.message_text, "why not now")
        assert app.screen is dialog and dialog.report.number == number
    report, _ = writes.detail("supervisor", number)
    assert report["status"] == "TL Ditolak" and report["follow_ups"][-1]["validation"]["reason"] == "Ulangi."
    assert writes.detail("supervisor", other)[0]["status"] == "Menunggu Validasi"


async def test_other_roles_do_not_see_the_validate_key(writes: Api):
    number = awaiting_validation(writes)
    async with console(writes.server, "supervisor") as (app, pilot):
        screen: MainScreen = app.screen
        await make_subject(pilot, screen, number)
        assert screen.check_action("validate", ()) is False  # hidden: never the supervisor's
        await pilot.press("v")
        await until(pilot, lambda: "Only validators (the Biro Pemerintahan) validate" in toasts(app), "the refusal")
        assert app.screen is screen


async def test_the_validate_key_is_remappable_and_says_why_it_does_not_apply(demo_server):
    async with console(demo_server, "validator", keymap={"main.validate": "x"}) as (app, pilot):
        screen: MainScreen = app.screen
        await on_status(pilot, screen, "Proses")
        assert screen.check_action("validate", ()) is None  # greyed: the role's key, not this report's
        await pilot.press("x")
        await until(
            pilot,
            lambda: "Cannot validate: the report is Proses; only a Menunggu Validasi report." in toasts(app),
            "why not",
        )
        await on_status(pilot, screen, "Menunggu Validasi")
        await pilot.press("v")
        await pilot.pause(0.3)  # time for a dialog (and the write worker that opens it) to show
        assert app.screen is screen  # the old key no longer validates
        await pilot.press("x")
        dialog = await until(pilot, lambda: isinstance(app.screen, ValidateDialog) and app.screen, "the dialog")
        assert dialog.report.number == screen.current.number
        await pilot.press("escape")  # nothing sent: the demo server is read-only for tests
        await until(pilot, lambda: app.screen is screen, "the dialog closed")


async def test_without_live_events_a_stale_decision_is_a_conflict_that_says_who(writes: Api):
    """The event stream never delivers: the decision goes out on the old version, the server
    answers 412, and the dialog says who changed what, sends nothing more and stays open."""
    number = awaiting_validation(writes)
    transport = faults.Faults()
    transport.stall(faults.events)
    client = CrmClient(writes.server.base_url, transport=transport)
    async with console(writes.server, "validator", client=client) as (app, pilot):
        await make_subject(pilot, app.screen, number)
        dialog = await open_validate(pilot, app, number)
        assert writes.validate("validator", number, "accept").status_code == 200  # elsewhere, meanwhile
        await pilot.press("down", "ctrl+s")
        await until(pilot, lambda: "was changed by Ratna Kusuma" in dialog.message_text, "who changed it")
        assert "Menunggu Validasi → Selesai" in dialog.message_text
        assert "Cannot validate: the report is already Selesai" in dialog.message_text
        assert app.screen is dialog
    history_actions = [action for action, _ in history(writes, number)]
    assert history_actions.count("accepted") == 1
