"""What the console loads to reach its first list frame: nothing it does not need then (checked
in a fresh interpreter, as harlequin checks its imports). Measured: benchmarks/cold_start.py."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

START = ["crm_tui.app", "crm_tui.screens.connect_screen", "crm_tui.screens.main_screen"]


@functools.cache  # one fresh interpreter for the tests here
def _loaded_after_start() -> dict[str, object]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {START!r}: importlib.import_module(name)\n"
        "import httpx\n"
        "print(json.dumps({'modules': sorted(n for n, m in sys.modules.items() if m is not None),\n"
        "                  'httpx_main': httpx.main.__module__}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_the_start_loads_no_command_line_tools_no_photo_decoder_no_server() -> None:
    found = _loaded_after_start()
    modules = set(found["modules"])
    assert set(START) <= modules and "httpx" in modules
    # httpx's own command line (click, pygments) stays out; `httpx.main` is httpx's stub for it.
    assert not {m for m in modules if m.split(".")[0] in {"click", "pygments"} or m == "httpx._main"}
    assert found["httpx_main"] == "httpx"
    # Pillow loads when a photo is drawn; the server and its web stack only in demo mode.
    assert not {m for m in modules if m.split(".")[0] in {"PIL", "crm_server", "fastapi", "uvicorn"}}


def test_the_start_loads_no_model_library_it_does_not_use_and_no_dialog() -> None:
    modules = set(_loaded_after_start()["modules"])
    # The client's models are msgspec structs: pydantic (the server's) and the plugin lookup it
    # does through importlib.metadata cost the start ~170 ms when the client used it.
    assert "msgspec" in modules
    assert not {m for m in modules if m.split(".")[0] == "pydantic" or m.startswith("importlib.metadata")}
    # Dialogs load when first opened; the report screen's writes stand on the base of them.
    dialogs = {m for m in modules if m.startswith("crm_tui.dialogs.")}
    assert dialogs <= {"crm_tui.dialogs.action_dialog", "crm_tui.dialogs.base", "crm_tui.dialogs.key_hints"}
