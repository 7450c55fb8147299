"""The dialogs that only return a choice: filter, sort, text filter, command line, help; and
what all dialogs share: Esc cancels, keys are remappable by binding id, everything fits 80x24."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

from api_client.models import AgencyRef, Category, Officer, ReportStatus
from api_client.query import SORTS, ReportQuery
from crm_tui.dialogs import sort_dialog
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.close_dialog import CloseDialog
from crm_tui.dialogs.command_line import CommandLine
from crm_tui.dialogs.filter_dialog import STATUSES, FilterDialog
from crm_tui.dialogs.help_screen import HelpScreen
from crm_tui.dialogs.note_dialog import NoteDialog
from crm_tui.dialogs.sort_dialog import SortDialog
from crm_tui.dialogs.text_filter import TextFilterDialog
from crm_tui.textual_internals import screen_strips
from tests.crm_tui.harness import type_text
from tests.widgets import fixtures

REPORT = fixtures.summary(0, number="JK2503050007")

SIZE = (80, 24)
CATEGORIES = [
    Category(code="JALAN_RUSAK", name="Jalan Rusak", dinas_code="DBM"),
    Category(code="BANJIR", name="Banjir", dinas_code="SDA"),
    Category(code="SAMPAH", name="Sampah", dinas_code=None),
    Category(code="LAMPU", name="Lampu Jalan Mati", dinas_code="BINA"),
]
AGENCY = AgencyRef(code="JP.GAMBIR.CIDENG", name="Kelurahan Cideng")
OFFICERS = [Officer(username="officer", display_name="Budi Santoso", agency=AGENCY, open_workload=3)]


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def show(self, dialog: Screen) -> None:
        self.push_screen(dialog, self.results.append)


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in screen_strips(app))


async def never(_report: object, _payload: object) -> object:
    raise AssertionError("these tests make no request")


pytestmark = pytest.mark.usefixtures("english_ui")


async def test_filter_dialog_builds_a_new_query_by_keys():
    query = ReportQuery(status=("Proses",), assignee="officer2", private=True, q="banjir", sort="due")
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = FilterDialog(query, CATEGORIES, can_filter_assignee=True)
        app.show(dialog)
        await pilot.pause()
        text = screen_text(app)
        for status in STATUSES:
            assert status in text
        assert dialog.query_one("#assignee-name", Input).value == "officer2"

        await pilot.press("space", "down", "down", "down", "space")  # + Menunggu, - Proses
        await pilot.press("tab", "enter", "down", "enter")  # private: yes -> no
        await pilot.press("tab", "enter", "down", "enter")  # overdue: any -> yes
        await pilot.press("tab", "enter", "up", "enter")  # assignee: username... -> unassigned
        await pilot.pause()
        assert not dialog.query_one("#assignee-name", Input).display
        await pilot.press("tab")  # category: type to narrow, Enter applies
        await type_text(pilot, "lampu")
        await pilot.press("enter")
        await pilot.pause()
    (result,) = app.results
    assert result == ReportQuery(
        status=("Menunggu",),
        category=("LAMPU",),
        assignee="unassigned",
        private=False,
        overdue=True,
        q="banjir",
        sort="due",
    )


async def test_filter_dialog_clear_all_cancel_and_no_assignee_for_officers():
    query = ReportQuery(status=tuple(STATUSES), category=("BANJIR",), private=False, overdue=True, assignee="me")
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(FilterDialog(query, CATEGORIES, can_filter_assignee=True))
        await pilot.pause()
        await pilot.press("ctrl+r", "ctrl+s")
        await pilot.pause()
        app.show(FilterDialog(query, CATEGORIES, can_filter_assignee=True))
        await pilot.pause()
        await pilot.press("space", "escape")
        await pilot.pause()
        dialog = FilterDialog(ReportQuery(assignee="me"), CATEGORIES, can_filter_assignee=False)
        app.show(dialog)
        await pilot.pause()
        assert "Assignee" not in screen_text(app) and not dialog.query("#assignee")
        await pilot.press("ctrl+s")
        await pilot.pause()
    cleared, cancelled, officer = app.results
    assert cleared == ReportQuery()
    assert cancelled is None
    assert officer == ReportQuery(assignee="me")  # kept: an officer cannot change it here


async def test_filter_dialog_asks_for_a_username():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = FilterDialog(ReportQuery(), CATEGORIES, can_filter_assignee=True)
        app.show(dialog)
        await pilot.pause()
        await pilot.press("tab", "tab", "tab", "enter", "down", "down", "down", "enter", "ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.message_text == "Type the officer's username, or choose 'any'."
        await type_text(pilot, "officer3")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [ReportQuery(assignee="officer3")]


async def test_sort_dialog_offers_every_sort_the_api_knows():
    assert set(sort_dialog.SORTS) == set(SORTS)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(SortDialog("-due"))
        await pilot.pause()
        assert "Latest deadline first  (current)" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        app.show(SortDialog("created"))
        await pilot.pause()
        await pilot.press("down", "escape")
        await pilot.pause()
    assert app.results == ["due", None]


async def test_text_filter_applies_clears_and_cancels():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(TextFilterDialog("banjir"))
        await pilot.pause()
        assert "/ banjir" in screen_text(app).splitlines()[-1]  # a search bar on the last line
        await type_text(pilot, " cideng")
        await pilot.press("enter")
        await pilot.pause()
        app.show(TextFilterDialog("banjir"))
        await pilot.pause()
        await pilot.press("ctrl+u", "enter")  # empty: clears the filter
        await pilot.pause()
        app.show(TextFilterDialog("banjir"))
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
    assert app.results == ["banjir cideng", "", None]


async def test_command_line_returns_the_text_and_walks_its_history():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(CommandLine())
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith(":")
        await type_text(pilot, "JK2503050007")
        await pilot.press("enter")
        await pilot.pause()
        app.show(CommandLine(history=["jk2503050007", "r"]))
        await pilot.pause()
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        app.show(CommandLine(history=["r"]))
        await pilot.pause()
        await type_text(pilot, "he")  # back down to what was being typed
        await pilot.press("up", "down", "enter")
        await pilot.pause()
        app.show(CommandLine())
        await pilot.pause()
        await pilot.press("q", "escape")
        await pilot.pause()
        app.show(CommandLine())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["JK2503050007", "jk2503050007", "he", None, None]


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_help_screen_lists_keys_with_their_binding_ids(key: str):
    rows = [("report.assign", "a", "Assign the report"), ("app.quit", "q", "Quit")]
    rows += [(f"extra.{n}", f"f{n}", f"Extra {n}") for n in range(30)]  # more than fit: it scrolls
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.show(HelpScreen(rows))
        await pilot.pause()
        text = screen_text(app)
        assert "report.assign" in text and "Assign the report" in text and "ID (for the keymap)" in text
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert "extra.29" in screen_text(app)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    assert app.results == [None]


async def test_keys_are_remapped_by_binding_id():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"dialog.confirm": "ctrl+o", "dialog.cancel": "ctrl+g"})
        dialog = NoteDialog(REPORT, never, keep_draft=lambda draft: app.results.append(dict(draft)))
        app.show(dialog)
        await pilot.pause()
        assert "^o save" in screen_text(app) and "^g cancel" in screen_text(app)
        await type_text(pilot, "draft")  # the old key does nothing now
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and dialog.message_text == ""
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is not dialog
    assert app.results == [{"text": "draft"}, None]


@pytest.mark.parametrize(
    "make",
    [
        lambda: AssignDialog(REPORT, OFFICERS * 20, never),
        lambda: CloseDialog(REPORT, never, draft={"resolution": "duplikat"}),
        lambda: NoteDialog(REPORT, never),
        lambda: FilterDialog(ReportQuery(assignee="someone"), CATEGORIES * 10, True),
        lambda: SortDialog("-created"),
        lambda: HelpScreen([("a.b", "a", "b")] * 40),
    ],
    ids=["assign", "close", "note", "filter", "sort", "help"],
)
async def test_every_dialog_fits_80x24_with_its_keys_visible(make):
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        dialog = make()
        app.show(dialog)
        await pilot.pause()
        frame = dialog.query_one("#dialog-frame").region
        keys = dialog.query_one("#dialog-keys").region
        assert frame.right <= 80 and frame.bottom <= 24 and frame.x >= 0 and frame.y >= 0
        assert keys.height >= 1 and frame.contains_region(keys)
        assert "esc" in screen_text(app)


def test_status_names_are_the_seven_exact_names():
    assert tuple(str(status) for status in ReportStatus) == STATUSES
    assert STATUSES == (
        "Menunggu",
        "Koordinasi",
        "Disposisi",
        "Proses",
        "Menunggu Validasi",
        "TL Ditolak",
        "Selesai",
    )


async def test_without_colour_the_highlighted_choice_is_still_visible(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    officers = [
        Officer(username=f"o{n}", display_name=f"Officer {n}", agency=AGENCY, open_workload=n) for n in range(3)
    ]
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        app.show(AssignDialog(REPORT, officers, never))
        await pilot.pause()
        await pilot.press("down")  # typing focus stays in the filter input
        await pilot.pause()
        underlined = {
            segment.text.split(" (")[0]
            for strip in screen_strips(app)
            for segment in strip
            if segment.text.startswith("Officer") and segment.style is not None and segment.style.underline
        }
        assert underlined == {"Officer 1"}
        await pilot.press("escape")
        await pilot.pause()
        app.show(FilterDialog(ReportQuery(), CATEGORIES, True))
        await pilot.pause()
        underlined = {
            segment.text.strip()
            for strip in screen_strips(app)
            for segment in strip
            if segment.style is not None and segment.style.underline
        }
        assert "Menunggu" in underlined  # the status list's cursor
