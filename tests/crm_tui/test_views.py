"""Saved views: built in and from the config file, the one each role starts on, switching, and
the header naming the view, a narrowing beyond it, and the sort."""

from __future__ import annotations

import pytest

from api_client.query import ReportQuery
from crm_tui.config import ConfigError, load_config
from crm_tui.dialogs.command_line import CommandLine
from crm_tui.dialogs.view_dialog import ViewDialog
from crm_tui.views import BUILT_IN, OPEN_STATUSES, View, narrowing
from tests.crm_tui.harness import console, screen_text, toasts, type_text, until

BANJIR = """
[views.banjir]
title = "Banjir [b]terbuka[/b]"
status = ["Menunggu", "Proses"]
category = ["BANJIR"]
sort = "due"

[views.terbuka]
status = ["Menunggu"]

[default_view]
officer = "banjir"
supervisor = "terlambat"
"""


def _env(tmp_path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"CRM_TUI_CONFIG": str(path)}


def test_views_and_each_roles_view_from_the_file(tmp_path):
    config = load_config(environ=_env(tmp_path, BANJIR))
    banjir = config.views["banjir"]
    assert banjir.query == ReportQuery(status=("Menunggu", "Proses"), category=("BANJIR",), sort="due")
    assert banjir.shown_title == "Banjir [b]terbuka[/b]"
    assert config.views["terbuka"].query == ReportQuery(status=("Menunggu",))  # replaces the built-in one
    assert dict(config.default_view) == {"officer": "banjir", "supervisor": "terlambat"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[views.Banjir]\n", "[views.'Banjir']: a view's name is 1-30 lower-case letters, digits and dashes"),
        ('[views.a]\ncolour = "red"\n', "[views.a]: unknown key 'colour'"),
        ('[views.a]\nstatus = ["Done"]\n', "[views.a] status 'Done' is not one of: Menunggu, Koordinasi"),
        ('[views.a]\nstatus = "Proses"\n', "[views.a] status must be an array of strings"),
        ('[views.a]\nsort = "name"\n', "[views.a] sort must be one of: created, -created"),
        ("[views.a]\noverdue = 1\n", "[views.a] overdue must be true or false"),
        ('[views.a]\nassignee = " "\n', "[views.a] assignee must be a string that is not empty"),
        ('views = "all"\n', "[views] must be a table of views ([views.NAME])"),
        (
            '[default_view]\nofficer = "nosuch"\n',
            "[default_view] 'officer' must name a view, one of: diteruskan, milik-saya",
        ),
    ],
)
def test_a_bad_view_is_one_clear_error_naming_the_file(tmp_path, text, expected):
    environ = _env(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(environ=environ)
    message = str(caught.value)
    assert message.startswith(f"{environ['CRM_TUI_CONFIG']}: {expected}") and "\n" not in message


async def test_an_officer_starts_on_their_own_open_reports_nearest_deadline_first(demo_server):
    async with console(demo_server, "officer") as (app, _pilot):
        screen = app.screen
        assert screen.view.name == "milik-saya"
        rows = [row for _, row in screen.window.loaded_rows()]
        assert rows, "the demo officer has open reports"
        assert all(row.assignee is not None and row.assignee.username == "officer" for row in rows)
        assert all(row.status in OPEN_STATUSES for row in rows)
        assert [row.due_at for row in rows] == sorted(row.due_at for row in rows)
        text = screen_text(app)
        assert "Milik saya, terbuka" in text and "↑tenggat" in text and "tersaring" not in text


async def test_a_dispatcher_starts_on_every_report_newest_first(demo_server):
    async with console(demo_server) as (app, _pilot):
        assert app.screen.view.name == "semua" and app.screen.query_state == ReportQuery()
        assert "Semua laporan" in screen_text(app) and "↓dibuat" in screen_text(app)


async def test_w_switches_the_view_and_the_header_follows(demo_server):
    async with console(demo_server, "supervisor") as (app, pilot):
        screen = app.screen
        await pilot.press("w")
        dialog = await until(pilot, lambda: isinstance(app.screen, ViewDialog) and app.screen, "the view picker")
        await until(pilot, lambda: "Semua laporan  (sekarang)" in screen_text(app), "the picker drawn")
        await pilot.press("end", "up", "up", "enter")  # Terlambat, above the validation queue and handed-on
        await until(pilot, lambda: app.screen is screen and screen.window.total is not None, "the list")
        assert dialog.views[-3].name == "terlambat" and screen.view.name == "terlambat"
        rows = [row for _, row in screen.window.loaded_rows()]
        assert rows and all(row.status in OPEN_STATUSES and row.due_at < screen.crm.now() for row in rows)
        await until(pilot, lambda: "Terlambat" in screen_text(app) and "↑tenggat" in screen_text(app), "header")
        # Narrowed beyond the view: the header says so, and the view stays named.
        screen.set_query(screen.query_state.replace(q="jalan"))
        await until(pilot, lambda: "Terlambat (tersaring: “jalan”)" in screen_text(app), "narrowed")


async def test_a_view_from_the_config_is_the_roles_start_and_its_title_is_plain_text(demo_server):
    banjir = View("banjir", ReportQuery(status=("Menunggu",), sort="-due"), "Banjir [b]terbuka[/b]")
    async with console(demo_server, views={"banjir": banjir}, default_view={"dispatcher": "banjir"}) as (app, _pilot):
        screen = app.screen
        assert screen.query_state == banjir.query
        assert {row.status for _, row in screen.window.loaded_rows()} == {"Menunggu"}
        assert "Banjir [b]terbuka[/b]" in screen_text(app) and "↓tenggat" in screen_text(app)


async def test_the_command_line_switches_views_and_names_them_when_asked_for_one_that_is_not(demo_server):
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        for typed in ("view nosuch", "view terbuka"):
            await pilot.press("colon")
            await until(pilot, lambda: isinstance(app.screen, CommandLine), "the command line")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await until(pilot, lambda: app.screen is screen, "back on the list")
        await until(pilot, lambda: screen.view.name == "terbuka", "the open view")
        assert (
            "Tidak ada tampilan nosuch. Tampilan: semua, terbuka, milik-saya, terlambat, validasi, diteruskan."
            in toasts(app)
        )
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLine), "the command line")
        await type_text(pilot, "view")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ViewDialog), "the view picker, for :view alone")


@pytest.mark.parametrize(
    ("view", "query", "said"),
    [
        ("semua", ReportQuery(), ""),
        ("semua", ReportQuery(sort="due"), ""),  # a sort is no narrowing (the header names it)
        ("semua", ReportQuery(status=("Proses", "Menunggu"), q=" jalan "), "Proses/Menunggu, “jalan”"),
        ("milik-saya", BUILT_IN["milik-saya"].query.replace(overdue=True), "terlambat"),
        (
            "semua",
            ReportQuery(assignee="unassigned", private=False, category=("A", "B")),
            "2 kategori, belum ditugaskan, bukan privasi",
        ),
        ("semua", ReportQuery(assignee="budi"), "budi"),
    ],
)
def test_the_header_says_what_narrows_the_list_beyond_its_view(view, query, said):
    assert narrowing(BUILT_IN[view].query, query) == said
