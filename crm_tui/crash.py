"""What an unexpected error leaves behind: a short line with an incident id on the terminal, and
the frames in a log file of the platform state dir.

Neither holds report content. A traceback as Python or Rich prints it carries the exception's
message and, in Rich's case, local variables: both can hold report text or a reporter's identity
and would stay in the operator's scrollback. So the terminal gets a fixed sentence, and the log
gets exception types and frames (file, line, function) only: no message, no source line, no
locals. Imports nothing from Textual: `cli.main` uses it before Textual is loaded.
"""

from __future__ import annotations

import contextlib
import os
import platform
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from widgets.i18n import Texts
from widgets.safe_text import line

EXIT_CRASH = 70  # EX_SOFTWARE (sysexits.h): the program failed, not its input
MAX_CHAIN = 8  # causes and contexts followed from the exception that reached the top
MAX_FRAMES = 60  # per exception; a deep recursion keeps its first and last frames
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread
# Textual's thread that writes the screen out (textual/drivers/_writer_thread.py).
TERMINAL_WRITER_THREAD = "textual-output"

TEXTS = Texts(
    id={
        "stopped": "crm-tui berhenti tiba-tiba (insiden {incident}). Rinciannya ada di {path}.",
        "stopped_no_log": "crm-tui berhenti tiba-tiba (insiden {incident}). Log rincian tidak dapat ditulis.",
    },
    en={
        "stopped": "crm-tui stopped unexpectedly (incident {incident}). Details are in {path}.",
        "stopped_no_log": "crm-tui stopped unexpectedly (incident {incident}). The details log could not be written.",
    },
)


@dataclass(frozen=True)
class Incident:
    id: str
    log_path: Path | None  # None: the log could not be written

    @property
    def message(self) -> str:
        """The one line shown to the operator: plain text, nothing from the error itself."""
        if self.log_path is None:
            return TEXTS("stopped_no_log", incident=self.id)
        return TEXTS("stopped", incident=self.id, path=line(str(self.log_path), max_chars=500))


def new_incident_id() -> str:
    """Eight characters, read out over the phone: "7F3K-92QD"."""
    chars = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def _frames(tb: TracebackType | None) -> list[str]:
    # walk_tb reads code objects and line numbers only: never f_locals, never the source file.
    frames = [
        f'  File "{frame.f_code.co_filename}", line {lineno}, in {frame.f_code.co_name}'
        for frame, lineno in traceback.walk_tb(tb)
    ]
    if len(frames) > MAX_FRAMES:
        half = MAX_FRAMES // 2
        frames[half:-half] = [f"  ... {len(frames) - 2 * half} frames left out ..."]
    return frames


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def format_incident(incident_id: str, error: BaseException, *, at: datetime | None = None) -> str:
    """The log entry: incident id, time, versions, then each exception in the chain (outermost
    last, as Python prints them) as its type and frames. Exception messages are left out: they
    can quote report text ("cannot parse 'Jl. ...'")."""
    chain: list[tuple[str, BaseException]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen and len(chain) < MAX_CHAIN:
        seen.add(id(current))
        chain.append((link, current))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    at = at or datetime.now(UTC)
    lines = [
        f"incident {incident_id}",
        f"time {at.astimezone(UTC).isoformat(timespec='seconds')}",
        f"python {platform.python_version()} on {sys.platform}",
        "",
    ]
    # Printed innermost first, so the exception that reached the top is the last one read.
    for position, (_, exc) in enumerate(reversed(chain)):
        if position:
            lines += ["", chain[len(chain) - position][0], ""]
        lines.append("Exception (most recent call last):")
        lines += _frames(exc.__traceback__)
        lines.append(f"{_type_name(exc)} (message not logged)")
    return "\n".join(lines) + "\n"


def write_incident(log_dir: Path, incident_id: str, error: BaseException) -> Path | None:
    """`<log_dir>/crash-<id>.log`, readable by its owner only; None if it cannot be written."""
    path = log_dir / f"crash-{incident_id}.log"
    try:
        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write(format_incident(incident_id, error))
    except OSError:
        return None
    return path


def record_crash(log_dir: Path, error: BaseException) -> Incident:
    """Log `error` under a new incident id; the caller shows `incident.message`."""
    incident_id = new_incident_id()
    return Incident(incident_id, write_incident(log_dir, incident_id, error))


def report_crash(log_dir: Path, error: BaseException, stream: TextIO | None = None) -> Incident:
    """For errors outside the running app: log them and print the one line."""
    incident = record_crash(log_dir, error)
    stream = stream or sys.stderr
    with contextlib.suppress(OSError, ValueError):  # the terminal is gone; the log has it
        print(incident.message, file=stream, flush=True)
    return incident


def route_stray_errors(log_dir: Path, *, terminal_gone: Callable[[BaseException], object] | None = None) -> None:
    """Errors no code catches outside the app's own loop, which Python prints with their messages
    on stderr (the operator's terminal once the console has left it): in threads, and in
    finalisers ("Exception ignored in ..."). They go to the incident log instead, frames only.

    Except an OSError in Textual's writer thread: the terminal hung up (EIO) or the pipe it writes
    to was closed (EPIPE). That is no crash: `terminal_gone` is called with it instead, from that
    thread."""

    def thread_error(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return
        if (
            terminal_gone is not None
            and issubclass(args.exc_type, OSError)
            and args.thread is not None
            and args.thread.name == TERMINAL_WRITER_THREAD
        ):
            terminal_gone(args.exc_value or args.exc_type())
            return
        record_crash(log_dir, args.exc_value or args.exc_type())

    def unraisable_error(unraisable: Any) -> None:
        record_crash(log_dir, unraisable.exc_value or unraisable.exc_type())

    threading.excepthook = thread_error
    sys.unraisablehook = unraisable_error


def loop_error_handler(log_dir: Path) -> Callable[[Any, dict[str, Any]], None]:
    """For the asyncio loop: an exception nobody retrieved from a task goes to the incident log.
    (asyncio's own handler logs the exception with its message through `logging`, whose last
    resort prints to stderr.) Reports without an exception carry no data and are dropped."""

    def handle(_loop: Any, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            record_crash(log_dir, error)

    return handle
