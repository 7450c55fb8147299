"""`parse_command`: the `:` command line's language, as pure function tests."""

from __future__ import annotations

import pytest

from crm_tui.commands import CommandError, Help, Jump, Quit, Refresh, ShowView, parse_command

pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("JK2503050007", Jump("JK2503050007")),
        (":JK2503050007", Jump("JK2503050007")),
        ("  jk2503050007 ", Jump("JK2503050007")),
        ("JK25030500071", Jump("JK25030500071")),  # a 5-digit daily sequence
        ("q", Quit()),
        (":quit", Quit()),
        ("Q", Quit()),
        ("r", Refresh()),
        ("refresh", Refresh()),
        ("help", Help()),
        ("h", Help()),
        ("?", Help()),
        ("view terlambat", ShowView("terlambat")),
        (":View  Milik-Saya ", ShowView("milik-saya")),
        ("v banjir", ShowView("banjir")),
        ("view", ShowView("")),
    ],
)
def test_known_commands(text: str, command: object):
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["JK123", "JK250305000712", "JK25030500O7", "jk２５０３０５０００７"])
def test_malformed_report_numbers_say_what_a_number_looks_like(text: str):
    result = parse_command(text)
    assert isinstance(result, CommandError)
    assert result.message.startswith("Not a report number:")


@pytest.mark.parametrize("text", ["", "   ", ":"])
def test_empty(text: str):
    assert parse_command(text) == CommandError("Empty command.")


def test_unknown_commands_are_echoed_sanitised_and_bounded():
    result = parse_command("[@click=app.quit]x[/] [/bold]\x1b]0;pwned\x07\u202e" + "z" * 200)
    assert isinstance(result, CommandError)
    assert result.message.startswith("Unknown command: [@click=app.quit]x[/] [/bold]]0;pwned")
    assert "\x1b" not in result.message and "\x07" not in result.message and "\u202e" not in result.message
    assert "z" * 60 not in result.message  # the echo is cut short


def test_messages_follow_the_language(ui_language):
    ui_language("id")
    assert parse_command("bogus").message.startswith("Perintah tidak dikenal: bogus.")
