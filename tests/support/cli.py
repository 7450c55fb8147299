"""`crm-server` commands, run to completion as the tests' administrator runs them.

Called in this process: a command's own process would spend most of its second importing what
this process has imported already, and the suite runs a few hundred of them. What the command
sees and leaves is a process's: its own stdin (not a terminal), stdout and stderr, its log lines on
stderr, its exit status, and an uncaught exception as a traceback on stderr with status 1.
`serve` runs as a process of its own (it runs until stopped: a refusal that did not come would
hang the test), and so does what only a process shows (a closed pipe, in test_cli.py).
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock


def crm_server(*args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run a `crm-server` command to completion."""
    if args and args[0] == "serve":
        command = [sys.executable, "-m", "crm_server.cli", *args]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300, check=check)
    from crm_server.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    root, ours = logging.getLogger(), logging.getLogger("crm_server")
    saved = (root.handlers[:], root.level, ours.level)
    root.handlers = []  # main()'s logging.basicConfig then logs to this command's stderr, as in a process
    try:
        own_stdin = mock.patch.object(sys, "stdin", io.StringIO(stdin or ""))
        with redirect_stdout(stdout), redirect_stderr(stderr), own_stdin:
            try:
                status = main(list(args))
            except SystemExit as exc:  # argparse: usage errors and --help
                status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
            except Exception:  # noqa: BLE001 - as the interpreter ends a process on one
                traceback.print_exc()
                status = 1
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers, root.level = saved[0], saved[1]
        ours.setLevel(saved[2])
    result = subprocess.CompletedProcess(["crm-server", *args], status, stdout.getvalue(), stderr.getvalue())
    if check:
        result.check_returncode()
    return result
