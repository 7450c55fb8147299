"""The `crm-tui` command line: its options and how the console leaves."""

from __future__ import annotations

import pytest

from crm_tui.cli import EXIT_USAGE, build_parser

MAX_DEMO_REPORTS = 2_000_000  # the most `crm-tui demo --reports` takes


@pytest.mark.parametrize("count", ["-5", "0", str(MAX_DEMO_REPORTS + 1), "10e9", "many"])
def test_demo_refuses_a_report_count_out_of_range(capsys, count):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["demo", "--reports", count])
    assert stopped.value.code == EXIT_USAGE
    error = capsys.readouterr().err
    assert "argument --reports: must be" in error and "Traceback" not in error


@pytest.mark.parametrize("count", ["1", "50", str(MAX_DEMO_REPORTS)])
def test_demo_takes_a_report_count_in_range(count):
    assert build_parser().parse_args(["demo", "--reports", count]).reports == int(count)


def test_demo_help_shows_its_options(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--help"])
    shown = capsys.readouterr().out
    assert "--reports N" in shown
    assert "--lang {id,en}" in shown and "interface language" in shown
    assert build_parser().parse_args(["demo", "--lang", "en"]).demo_lang == "en"
