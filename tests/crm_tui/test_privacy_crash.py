"""Crash output: an incident id on the terminal, frames in a log; never the message, the locals
or report text. (The real `crm-tui` in a terminal: tests/e2e/test_crash_in_tmux.py.)"""

from __future__ import annotations

import io
import re
import stat
import subprocess
import sys
import threading

import pytest
from textual.worker import WorkerFailed

from crm_tui import cli
from crm_tui.crash import EXIT_CRASH, format_incident, report_crash
from crm_tui.screens.main_screen import MainScreen
from tests.crm_tui.harness import console, until

SECRET = "3174012345678901"  # a reporter's NIK: what a local or a message may hold
INCIDENT = re.compile(r"(?:incident|insiden) ([0-9A-Z]{4}-[0-9A-Z]{4})")


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    """The platform state dir (platformdirs follows XDG_STATE_HOME): where crash logs go."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "crm-tui"


def _nested_failure() -> None:
    reporter_nik = SECRET  # noqa: F841 - a local Rich would print
    try:
        {}["report " + SECRET]
    except KeyError as exc:
        raise ValueError(f"cannot parse report text {SECRET!r}") from exc


def _assert_safe_log(text: str, incident_id: str) -> None:
    assert f"incident {incident_id}" in text
    assert SECRET not in text and "reporter_nik" not in text and "cannot parse" not in text


def test_the_log_holds_types_and_frames_but_no_message_and_no_locals():
    with pytest.raises(ValueError) as caught:
        _nested_failure()
    text = format_incident("7F3K-92QD", caught.value)
    _assert_safe_log(text, "7F3K-92QD")
    assert "in _nested_failure" in text and "test_privacy_crash.py" in text
    assert "ValueError (message not logged)" in text and "KeyError (message not logged)" in text
    assert text.index("KeyError") < text.index("ValueError")  # the cause first, as Python prints
    assert "direct cause" in text
    assert "{}[" not in text  # no source lines either (they can quote data too)


def test_a_crash_outside_the_app_prints_one_line_and_logs_the_frames(state_dir):
    terminal = io.StringIO()
    with pytest.raises(ValueError) as caught:
        _nested_failure()
    incident = report_crash(state_dir, caught.value, terminal)
    printed = terminal.getvalue()
    assert printed == incident.message + "\n" and incident.id in printed and str(state_dir) in printed
    assert SECRET not in printed and "Traceback" not in printed
    log = incident.log_path
    assert log.parent == state_dir and stat.S_IMODE(log.stat().st_mode) == 0o600
    _assert_safe_log(log.read_text(), incident.id)


def test_cli_main_turns_an_error_before_the_app_into_an_incident(state_dir, monkeypatch, capsys):
    def broken_run(args, config):
        raise RuntimeError("while reading report " + SECRET)

    monkeypatch.setattr(cli, "_run", broken_run)
    # main() routes stray errors to the log: put Python's hooks back after the test.
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    assert cli.main([]) == EXIT_CRASH
    err = capsys.readouterr().err
    found = INCIDENT.search(err)
    assert found and ("stopped unexpectedly" in err or "berhenti tiba-tiba" in err)
    assert SECRET not in err and "Traceback" not in err
    _assert_safe_log((state_dir / f"crash-{found.group(1)}.log").read_text(), found.group(1))


async def test_an_error_in_a_key_handler_exits_with_an_incident_line(demo_server, state_dir, monkeypatch, capsys):
    def exploding_help(self) -> None:
        reporter_nik = SECRET  # noqa: F841
        raise RuntimeError("no help for reporter " + SECRET)

    monkeypatch.setattr(MainScreen, "action_help", exploding_help)
    with pytest.raises(RuntimeError):  # run_test re-raises what crashed the app
        async with console(demo_server) as (app, pilot):
            await pilot.press("question_mark")
            await until(pilot, lambda: app.incident is not None, "the incident")
    assert app.return_code == EXIT_CRASH
    printed = capsys.readouterr().err  # what Textual prints once it has left the alternate screen
    assert printed.strip() == app.incident.message and app.incident.id in printed
    assert SECRET not in printed and "Traceback" not in printed and "reporter_nik" not in printed
    log = app.incident.log_path.read_text()
    _assert_safe_log(log, app.incident.id)
    assert "in exploding_help" in log and "RuntimeError (message not logged)" in log


async def test_an_error_in_a_worker_is_logged_with_the_worker_frames(demo_server, state_dir, capsys):
    with pytest.raises(WorkerFailed):  # run_test re-raises what crashed the app
        async with console(demo_server) as (app, pilot):

            async def failing_get_report(number: str):
                raise LookupError(f"report {number} of reporter {SECRET}")

            app.client.get_report = failing_get_report
            await pilot.press("j")
            await until(pilot, lambda: app.incident is not None, "the incident")
    assert app.return_code == EXIT_CRASH
    printed = capsys.readouterr().err
    assert printed.strip() == app.incident.message and SECRET not in printed and "WorkerFailed" not in printed
    log = app.incident.log_path.read_text()
    _assert_safe_log(log, app.incident.id)
    # The worker's own exception, unwrapped from Textual's WorkerFailed, with its frames.
    assert "LookupError (message not logged)" in log and "in load_detail" in log


STRAY_ERRORS = f"""
import asyncio, gc, sys, threading
from pathlib import Path
from crm_tui.crash import loop_error_handler, route_stray_errors

log_dir = Path(sys.argv[1])
route_stray_errors(log_dir)

def in_a_thread():
    raise RuntimeError("thread reading report {SECRET}")

thread = threading.Thread(target=in_a_thread)
thread.start()
thread.join()

class Finaliser:
    def __del__(self):
        raise ValueError("finalising report {SECRET}")

Finaliser()
gc.collect()

async def main():
    asyncio.get_running_loop().set_exception_handler(loop_error_handler(log_dir))

    async def never_awaited():
        raise KeyError("task holding report {SECRET}")

    task = asyncio.ensure_future(never_awaited())
    await asyncio.sleep(0)
    del task
    gc.collect()

asyncio.run(main())
print("done")
"""


def test_stray_errors_in_threads_finalisers_and_tasks_go_to_the_log_not_the_terminal(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", STRAY_ERRORS, str(tmp_path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout == "done\n"
    assert result.stderr == ""  # Python would print each with its message and a traceback
    logs = sorted(tmp_path.glob("crash-*.log"))
    texts = [log.read_text() for log in logs]
    kinds = sorted(kind for kind in ("RuntimeError", "ValueError", "KeyError") for text in texts if kind in text)
    assert kinds == ["KeyError", "RuntimeError", "ValueError"]
    for log, text in zip(logs, texts, strict=True):
        _assert_safe_log(text, log.stem.removeprefix("crash-"))
        assert "(message not logged)" in text


def test_the_terminal_writer_failing_is_the_terminal_gone_not_a_crash(tmp_path, monkeypatch):
    import threading

    from crm_tui.crash import TERMINAL_WRITER_THREAD, route_stray_errors

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # both put back after the test
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    gone: list[BaseException] = []
    route_stray_errors(tmp_path, terminal_gone=gone.append)

    def fail(error: OSError) -> None:
        raise error

    for name, error in (
        (TERMINAL_WRITER_THREAD, BrokenPipeError(32, "Broken pipe")),
        (TERMINAL_WRITER_THREAD, OSError(5, "EIO")),
        ("another-thread", OSError(5, "EIO")),
        (TERMINAL_WRITER_THREAD, RuntimeError("a bug")),
    ):
        thread = threading.Thread(target=fail, args=(error,), name=name)
        thread.start()
        thread.join()
    assert [type(e) for e in gone] == [BrokenPipeError, OSError]  # the writer's OSErrors only
    logs = [log.read_text() for log in tmp_path.glob("crash-*.log")]
    assert sorted("RuntimeError" in text for text in logs) == [False, True]  # the other two are crashes
