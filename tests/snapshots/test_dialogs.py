"""Snapshots of every dialog, each pushed over an empty screen with fixed data; no network.

Update with `pytest tests/snapshots --snapshot-update`, then look at every changed SVG.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from api_client.errors import APIConnectionError
from api_client.models import ResponseTemplate
from api_client.query import ReportQuery
from crm_server.demo.templates import DEMO_TEMPLATES
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.close_dialog import CloseDialog
from crm_tui.dialogs.command_line import CommandLine
from crm_tui.dialogs.filter_dialog import FilterDialog
from crm_tui.dialogs.help_screen import HelpScreen
from crm_tui.dialogs.note_dialog import NoteDialog
from crm_tui.dialogs.sort_dialog import SortDialog
from crm_tui.dialogs.text_filter import TextFilterDialog
from tests.crm_tui.harness import type_text, until
from tests.snapshots.support import (
    AGENCIES,
    AT_DINAS,
    AWAITING,
    CATEGORIES,
    HELP_ROWS,
    OFFICERS,
    REPORT,
    REPORT_NUMBER,
    SMALL,
    SNAPSHOT_PHOTOS,
    WIDE,
    DialogHost,
    dialog_shown,
    photos_drawn,
    steady_cursors,
)
from widgets.template_picker import TemplatePicker


async def never(_report: object, _payload: object) -> object:
    raise AssertionError("a snapshot never submits")


async def unreachable(_report: object, _payload: object) -> object:
    raise APIConnectionError(cause="ConnectError")


def test_assign_dialog(snap_compare, ui_language) -> None:
    """Officers with their open workload; the first highlighted; a name with markup shown as typed."""
    ui_language("id")
    app = DialogHost(lambda: AssignDialog(REPORT, OFFICERS, never))
    assert snap_compare(app, run_before=dialog_shown(AssignDialog), terminal_size=SMALL)


def test_assign_dialog_narrowed(snap_compare, ui_language) -> None:
    """Typing narrows the list; the English UI."""
    ui_language("en")
    app = DialogHost(lambda: AssignDialog(REPORT, OFFICERS, never))
    assert snap_compare(app, run_before=dialog_shown(AssignDialog, *"pra"), terminal_size=SMALL)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_assign_dialog_server_unreachable(snap_compare, ui_language, lang: str) -> None:
    """The action failed on the network: the dialog stays open with its choice and offers a retry."""
    ui_language(lang)
    app = DialogHost(lambda: AssignDialog(REPORT, OFFICERS, unreachable))

    async def failed(pilot: Pilot) -> None:
        dialog = pilot.app.screen
        await until(pilot, lambda: dialog.message_text and not dialog.busy, "the retry message")

    assert snap_compare(app, run_before=dialog_shown(AssignDialog, "down", "enter", then=failed), terminal_size=SMALL)
    assert app.results == []  # still open


def test_close_dialog_form(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: CloseDialog(REPORT, never))
    assert snap_compare(app, run_before=dialog_shown(CloseDialog), terminal_size=SMALL)


def test_close_dialog_duplicate_form(snap_compare, ui_language) -> None:
    """'duplikat' asks for the original report's number."""
    ui_language("en")
    app = DialogHost(lambda: CloseDialog(REPORT, never))
    keys = ["down", "tab", *"JK2611270012", "tab", *"Same pipe as JK2611270012."]
    assert snap_compare(app, run_before=dialog_shown(CloseDialog, *keys), terminal_size=SMALL)


def test_close_dialog_confirmation(snap_compare, ui_language) -> None:
    """After a note and ctrl+s: the question, on a read-only form."""
    ui_language("id")
    app = DialogHost(lambda: CloseDialog(REPORT, never))
    keys = ["tab", *"Pipa sudah diperbaiki PAM Jaya.", "ctrl+s"]

    async def asking(pilot: Pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.confirming, "the confirmation question")

    assert snap_compare(app, run_before=dialog_shown(CloseDialog, *keys, then=asking), terminal_size=SMALL)


async def close_templates() -> list[ResponseTemplate]:
    """The demo's close templates, as the server gives them."""
    closes = [t for t in DEMO_TEMPLATES if t.action == "close"]
    return [
        ResponseTemplate(id=n, action=t.action, title=t.title, text=t.text, categories=()) for n, t in enumerate(closes)
    ]


def test_close_dialog_with_templates(snap_compare, ui_language) -> None:
    """The templates above the note at 80x24: the second chosen, the note filled for the report."""
    ui_language("id")
    app = DialogHost(lambda: CloseDialog(REPORT, never, templates=close_templates))

    async def filled(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, CloseDialog), "the close dialog")
        await until(pilot, lambda: pilot.app.screen.query_one(TemplatePicker).shown, "the templates")
        await pilot.press("tab", "down", "enter")
        steady_cursors(pilot.app)
        await pilot.pause()

    assert snap_compare(app, run_before=filled, terminal_size=SMALL)


def test_note_dialog(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: NoteDialog(REPORT, never))
    keys = [*"Warga sudah dihubungi.", "enter", *"Petugas menuju lokasi."]
    assert snap_compare(app, run_before=dialog_shown(NoteDialog, *keys), terminal_size=SMALL)


def test_filter_dialog(snap_compare, ui_language) -> None:
    """Two statuses and 'private: yes' already chosen; every category listed."""
    ui_language("id")
    query = ReportQuery(status=("Menunggu", "Proses"), private=True)
    app = DialogHost(lambda: FilterDialog(query, CATEGORIES, can_filter_assignee=True))
    assert snap_compare(app, run_before=dialog_shown(FilterDialog), terminal_size=SMALL)


def test_filter_dialog_wide_narrowed(snap_compare, ui_language) -> None:
    """The English UI at 120x32, the categories narrowed by typing."""
    ui_language("en")
    query = ReportQuery(overdue=True, assignee="unassigned")
    app = DialogHost(lambda: FilterDialog(query, CATEGORIES, can_filter_assignee=True))

    async def narrow(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#category-filter").focus()
        await type_text(pilot, "jalan")

    assert snap_compare(app, run_before=dialog_shown(FilterDialog, then=narrow), terminal_size=WIDE)


def test_sort_dialog(snap_compare, ui_language) -> None:
    """The current order marked and highlighted."""
    ui_language("id")
    app = DialogHost(lambda: SortDialog("-due"))
    assert snap_compare(app, run_before=dialog_shown(SortDialog), terminal_size=SMALL)


def test_text_filter(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: TextFilterDialog("air"))
    assert snap_compare(app, run_before=dialog_shown(TextFilterDialog, *" pam"), terminal_size=SMALL)


def test_text_filter_empty_english(snap_compare, ui_language) -> None:
    """Nothing typed yet: the placeholder says what is searched."""
    ui_language("en")
    app = DialogHost(lambda: TextFilterDialog())
    assert snap_compare(app, run_before=dialog_shown(TextFilterDialog), terminal_size=SMALL)


def test_command_line(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: CommandLine())
    assert snap_compare(app, run_before=dialog_shown(CommandLine, *REPORT_NUMBER), terminal_size=SMALL)


def test_command_line_placeholder(snap_compare, ui_language) -> None:
    ui_language("en")
    app = DialogHost(lambda: CommandLine())
    assert snap_compare(app, run_before=dialog_shown(CommandLine), terminal_size=SMALL)


def test_help_screen(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: HelpScreen(HELP_ROWS))
    assert snap_compare(app, run_before=dialog_shown(HelpScreen), terminal_size=SMALL)


def test_help_screen_wide(snap_compare, ui_language) -> None:
    ui_language("id")
    app = DialogHost(lambda: HelpScreen(HELP_ROWS))
    assert snap_compare(app, run_before=dialog_shown(HelpScreen, "down", "down"), terminal_size=WIDE)


def test_view_dialog(snap_compare, ui_language) -> None:
    """The saved views, built in and one from the config file (its title plain text); the current marked."""
    from crm_tui.dialogs.view_dialog import ViewDialog
    from crm_tui.views import BUILT_IN, View

    ui_language("id")
    views = [*BUILT_IN.values(), View("banjir", ReportQuery(status=("Menunggu",)), "Banjir [b]terbuka[/b]")]
    app = DialogHost(lambda: ViewDialog(views, "terbuka"))
    assert snap_compare(app, run_before=dialog_shown(ViewDialog), terminal_size=SMALL)


def test_bulk_assign_dialog(snap_compare, ui_language) -> None:
    """What to do to the marked reports: the officers; nothing is sent from here."""
    from crm_tui.dialogs.bulk_dialog import BulkDialog

    ui_language("id")
    app = DialogHost(lambda: BulkDialog("assign", 3, OFFICERS))
    assert snap_compare(app, run_before=dialog_shown(BulkDialog), terminal_size=SMALL)


def test_bulk_close_dialog_duplicate(snap_compare, ui_language) -> None:
    """Closing the marked reports: the routing resolutions only; duplikat asks for the original."""
    from crm_tui.dialogs.bulk_dialog import BulkDialog

    ui_language("en")
    app = DialogHost(lambda: BulkDialog("close", 5))
    assert snap_compare(app, run_before=dialog_shown(BulkDialog, "down"), terminal_size=SMALL)


def test_bulk_coordinate_dialog(snap_compare, ui_language) -> None:
    """Coordinating the marked reports: the agencies narrowed by typing, then the required why."""
    from crm_tui.dialogs.bulk_dialog import BulkDialog

    ui_language("id")
    app = DialogHost(lambda: BulkDialog("coordinate", 4, agencies=AGENCIES))
    keys = [*"bina", "enter", *"Jalan nasional, bukan tupoksi kelurahan."]
    assert snap_compare(app, run_before=dialog_shown(BulkDialog, *keys), terminal_size=SMALL)


def test_bulk_summary(snap_compare, ui_language) -> None:
    """What became of each marked report: done, a conflict with who changed what, a refusal."""
    from crm_tui.bulk import Outcome
    from crm_tui.dialogs.bulk_summary import BulkSummary

    ui_language("en")
    outcomes = [
        Outcome("JK2503050001", "done"),
        Outcome("JK2503050002", "conflict", "Hendra [b]Gunawan[/b]: officer — → Agus Setiawan"),
        Outcome("JK2503050003", "refused", "Cannot close: the report is already Selesai."),
    ]

    def summary() -> BulkSummary:
        screen = BulkSummary("Assigning 3 reports", 3)
        screen.show_progress(3)
        screen.show_outcomes(outcomes)
        return screen

    app = DialogHost(summary)
    assert snap_compare(app, run_before=dialog_shown(BulkSummary), terminal_size=SMALL)


def test_export_dialog_done(snap_compare, ui_language, tmp_path) -> None:
    """An export that ended: how many reports went where."""
    from pathlib import Path

    from crm_tui.dialogs.export_dialog import ExportDialog

    ui_language("id")

    def dialog() -> ExportDialog:
        screen = ExportDialog(Path("/srv/laporan/proses-banjir.csv"))
        screen.show_progress(1234, 1234)
        screen.show_done(1234)
        return screen

    app = DialogHost(dialog)
    assert snap_compare(app, run_before=dialog_shown(ExportDialog), terminal_size=SMALL)


# --- the lifecycle dialogs (o, d, t, v, R) ---------------------------------------------------------


def test_coordinate_dialog(snap_compare, ui_language) -> None:
    """Every agency but the report's own, narrowed by typing; the note under them."""
    from crm_tui.dialogs.route_dialog import RouteDialog

    ui_language("id")
    app = DialogHost(lambda: RouteDialog("coordinate", REPORT, AGENCIES, never))
    keys = [*"bina", "enter", *"Jalan nasional, bukan tupoksi kelurahan."]
    assert snap_compare(app, run_before=dialog_shown(RouteDialog, *keys), terminal_size=SMALL)


def test_dispose_dialog(snap_compare, ui_language) -> None:
    """A Dinas offers only its own Suku Dinas; the English UI."""
    from crm_tui.dialogs.route_dialog import RouteDialog

    ui_language("en")
    app = DialogHost(lambda: RouteDialog("dispose", AT_DINAS, AGENCIES, never))
    assert snap_compare(app, run_before=dialog_shown(RouteDialog), terminal_size=SMALL)


def test_follow_up_dialog(snap_compare, ui_language, tmp_path, monkeypatch) -> None:
    """The response typed, the picker over a folder of photos (and nothing else), one chosen."""
    from crm_tui.dialogs.follow_up_dialog import FollowUpDialog
    from tests.widgets.fixtures import photo_png

    ui_language("id")
    folder = tmp_path / "bukti"
    folder.mkdir()
    for name in ("sebelum.jpg", "sesudah.png"):
        (folder / name).write_bytes(photo_png())
    (folder / "catatan.txt").write_text("not listed")
    monkeypatch.chdir(tmp_path)  # the picker's root is drawn as given: a relative path, the same every run

    async def chosen(pilot: Pilot) -> None:
        assert pilot.app.screen.add_photo("bukti/sesudah.png")
        pilot.app.screen.query_one("#response").focus()

    app = DialogHost(lambda: FollowUpDialog(REPORT, never, start=Path("bukti")))
    keys = [*"Lampu sudah diganti, menyala kembali."]
    assert snap_compare(app, run_before=dialog_shown(FollowUpDialog, *keys, then=chosen), terminal_size=SMALL)


def test_validate_dialog(snap_compare, ui_language) -> None:
    """The round's response, the reporter's photo beside two evidence photos with their times,
    and the duplicate-evidence warning above everything."""
    from crm_tui.dialogs.validate_dialog import ValidateDialog

    ui_language("id")
    app = DialogHost(lambda: ValidateDialog(AWAITING, never, SNAPSHOT_PHOTOS))
    assert snap_compare(app, run_before=dialog_shown(ValidateDialog, then=photos_drawn), terminal_size=SMALL)


def test_validate_dialog_reject_needs_a_reason(snap_compare, ui_language) -> None:
    """Reject chosen, ctrl+s with no reason: the dialog says why and waits for one; English UI."""
    from crm_tui.dialogs.validate_dialog import ValidateDialog

    ui_language("en")
    app = DialogHost(lambda: ValidateDialog(AWAITING, never, SNAPSHOT_PHOTOS))

    async def refused(pilot: Pilot) -> None:
        await photos_drawn(pilot)
        await until(pilot, lambda: pilot.app.screen.message_text, "the reason asked for")

    keys = ["down", "down", "ctrl+s"]
    assert snap_compare(app, run_before=dialog_shown(ValidateDialog, *keys, then=refused), terminal_size=SMALL)


def test_reopen_dialog(snap_compare, ui_language) -> None:
    from crm_tui.dialogs.reopen_dialog import ReopenDialog

    ui_language("id")
    app = DialogHost(lambda: ReopenDialog(REPORT, never))
    keys = [*"Warga melapor lampu mati lagi."]
    assert snap_compare(app, run_before=dialog_shown(ReopenDialog, *keys), terminal_size=SMALL)
