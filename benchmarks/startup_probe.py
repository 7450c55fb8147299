"""Start-up probes: a fresh `python` process, timed from spawn to a first frame (headless).

Used by cold_start.py and console_keys.py. Each probe prints `FIRST_FRAME <ms>` once, at the
first frame that shows what it waits for, and exits:

- `CONSOLE`: the real console (`CrmApp`) signing in to a server, to the first frame of the
  report list with a row drawn;
- `MINIMAL`: a minimal Textual app (one `Static`), to its first frame: the baseline.

Both time the frame as the app hands it to its driver (`HookedApp.frame_drawn`), so neither
polls, and report the process's CPU time by then as well.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONSOLE = r"""
import sys, time
spawned = float(sys.argv[1])
from crm_tui.app import CrmApp
from crm_tui.config import Config

class Probe(CrmApp):
    shown = False

    def frame_drawn(self, screen, spans):
        super().frame_drawn(screen, spans)
        if self.shown or type(screen).__name__ != "MainScreen" or not screen.window.total:
            return
        table = screen.table
        if table.size.height and table.render_line(1).text.strip():
            self.shown = True
            print(f"FIRST_FRAME {(time.time() - spawned) * 1000:.1f} {time.process_time() * 1000:.1f}", flush=True)
            self.exit()

username, password = sys.argv[3].split(":")
Probe(Config(server=sys.argv[2]), credentials=(username, password)).run(headless=True, size=(120, 40))
"""

MINIMAL = r"""
import sys, time
spawned = float(sys.argv[1])
from textual.widgets import Static
from crm_tui.textual_internals import HookedApp

class Minimal(HookedApp):
    shown = False

    def compose(self):
        yield Static("A minimal Textual app")

    def frame_drawn(self, screen, spans):
        if not self.shown:
            self.shown = True
            print(f"FIRST_FRAME {(time.time() - spawned) * 1000:.1f} {time.process_time() * 1000:.1f}", flush=True)
            self.exit()

Minimal().run(headless=True, size=(120, 40))
"""


def first_frame_ms(probe: str, *args: str, env: Mapping[str, str] | None = None) -> tuple[float, float]:
    """Milliseconds from spawning `python -c probe args...` to the first frame it reports (wall
    clock), and the CPU time the process had used by then (which waits and other processes on
    the machine do not count in)."""
    spawned = time.time()
    out = subprocess.run(
        [sys.executable, "-c", probe, repr(spawned), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=dict(env) if env is not None else None,
    )
    line = next((line for line in out.stdout.splitlines() if line.startswith("FIRST_FRAME")), None)
    if line is None:
        raise RuntimeError(f"the probe showed no first frame (status {out.returncode}):\n{out.stderr[-3000:]}")
    wall, cpu = line.split()[1:3]
    return float(wall), float(cpu)


def probe_environment(**changes: str | None) -> dict[str, str]:
    """This process's environment with `changes` (None removes a variable), and the project
    on PYTHONPATH, so that probes run this checkout's code."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env
