"""`:export PATH.csv`: the list as filtered and sorted, page by page, without private text unless
the config allows it, every cell safe for a spreadsheet; stopped or failed, no file is left."""

from __future__ import annotations

import csv

import httpx
import pytest

from api_client import CrmClient
from crm_tui.commands import Export, parse_command
from crm_tui.dialogs.command_line import CommandLine
from crm_tui.dialogs.export_dialog import ExportDialog
from crm_tui.export import COLUMNS, PAGE_SIZE, PRIVATE_TEXT, ExportProblem, csv_cell, export_target
from tests.crm_server.helpers import Api
from tests.crm_tui import faults
from tests.crm_tui.harness import console, toasts, type_text, until


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Jalan\x1b]0;pwned\x07 rusak\u202e", "Jalan]0;pwned rusak"),
        ("Banjir\r\n=1+1", "Banjir =1+1"),
        ("Pohon tumbang", "Pohon tumbang"),
    ],
)
def test_a_cell_is_one_clean_line_and_never_a_formula(text, cell):
    assert csv_cell(text) == cell


def test_the_target_must_be_a_new_csv_file_in_a_folder_that_exists(tmp_path):
    assert export_target(str(tmp_path / "a.csv"), overwrite=False) == tmp_path / "a.csv"
    (tmp_path / "b.csv").write_text("old")
    for typed, overwrite, why in [
        (str(tmp_path / "a.txt"), False, "must end in .csv"),
        (str(tmp_path / "nosuch" / "a.csv"), False, "no such folder"),
        (str(tmp_path / "b.csv"), False, "the file exists"),
    ]:
        with pytest.raises(ExportProblem, match=why):
            export_target(typed, overwrite=overwrite)
    assert export_target(str(tmp_path / "b.csv"), overwrite=True) == tmp_path / "b.csv"


def test_the_command_keeps_the_paths_case():
    assert parse_command("export ~/Laporan/Banjir.csv") == Export("~/Laporan/Banjir.csv")
    assert parse_command(":Export! X.csv") == Export("X.csv", overwrite=True)
    assert parse_command("export").message.startswith("Ekspor ke mana?")


async def _export(app, pilot, typed: str) -> None:
    await pilot.press("colon")
    await until(pilot, lambda: isinstance(app.screen, CommandLine), "the command line")
    await type_text(pilot, typed)
    await pilot.press("enter")


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


@pytest.mark.parametrize("export_private", [False, True])
async def test_the_filtered_sorted_list_is_written_whole_and_private_text_only_when_allowed(
    demo_server, tmp_path, export_private
):
    api = Api(demo_server)
    try:
        query = {"status": "Proses", "sort": "due"}
        expected, cursor = [], None
        while True:
            page = api.get(
                "dispatcher", "/reports", params={**query, "limit": 7, **({"cursor": cursor} if cursor else {})}
            )
            expected += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
    finally:
        api.close()
    target = tmp_path / "proses.csv"
    async with console(demo_server, export_private=export_private) as (app, pilot):
        screen = app.screen
        screen.set_query(screen.query_state.replace(status=("Proses",), sort="due"))
        await _export(app, pilot, f"export {target}")
        dialog = await until(pilot, lambda: isinstance(app.screen, ExportDialog) and app.screen, "the progress")
        await until(pilot, lambda: not dialog.running, "the export's end")
        assert f"{len(expected)} laporan ditulis" in dialog.message_text
        await pilot.press("escape")
    rows = _rows(target)
    assert [row["number"] for row in rows] == [item["number"] for item in expected]
    assert {row["status"] for row in rows} == {"Proses"}
    private = [(row, item) for row, item in zip(rows, expected, strict=True) if item["private"]]
    assert private, "the demo has private reports in Proses"
    for row, item in private:
        assert row["private"] == "true"
        assert row["title"] == (csv_cell(item["title"]) if export_private else PRIVATE_TEXT)
    assert not list(tmp_path.glob("*.part"))


async def test_an_existing_file_is_kept_unless_replaced_on_purpose(demo_server, tmp_path):
    target = tmp_path / "ada.csv"
    target.write_text("kept")
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        await _export(app, pilot, f"export {target}")
        await until(pilot, lambda: "the file exists" in toasts(app) and app.screen is screen, "the refusal")
        assert target.read_text() == "kept"
        await _export(app, pilot, f"export! {target}")
        dialog = await until(pilot, lambda: isinstance(app.screen, ExportDialog) and app.screen, "the progress")
        await until(pilot, lambda: not dialog.running, "the export's end")
    assert target.read_text().startswith("number,status,")


async def test_stopped_or_failed_midway_no_file_is_left(demo_server, tmp_path):
    transport = faults.Faults()
    client = CrmClient(demo_server.base_url, transport=transport)

    def export_page(request: httpx.Request) -> bool:  # the export's pages are the largest
        return request.url.path.endswith("/reports") and request.url.params.get("limit") == str(PAGE_SIZE)

    async with console(demo_server, client=client) as (app, pilot):
        gate = transport.stall(export_page)  # the page does not come: the operator stops waiting
        await _export(app, pilot, f"export {tmp_path / 'stopped.csv'}")
        dialog = await until(pilot, lambda: isinstance(app.screen, ExportDialog) and app.screen, "the progress")
        await until(pilot, lambda: transport.count(export_page) == 1, "the page asked for")
        assert dialog.running and list(tmp_path.iterdir()) == [tmp_path / "stopped.csv.part"]
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.workers or not any(w.group == "export" for w in app.screen.workers))
        gate.set()
        transport.time_out(export_page)  # now the server cannot be reached after the first page
        await _export(app, pilot, f"export {tmp_path / 'failed.csv'}")
        dialog = await until(pilot, lambda: isinstance(app.screen, ExportDialog) and app.screen, "the progress")
        await until(pilot, lambda: not dialog.running, "the failure")
        assert "Ekspor berhenti" in dialog.message_text
    assert list(tmp_path.iterdir()) == []
