"""The dialogs know no HTTP and no server: importing them loads neither httpx, the API client
itself, nor crm_server (checked in a fresh interpreter, as harlequin checks its imports)."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = [
    "crm_tui.commands",
    "crm_tui.dialogs.action_dialog",
    "crm_tui.dialogs.assign_dialog",
    "crm_tui.dialogs.close_dialog",
    "crm_tui.dialogs.command_line",
    "crm_tui.dialogs.filter_dialog",
    "crm_tui.dialogs.help_screen",
    "crm_tui.dialogs.note_dialog",
    "crm_tui.dialogs.sort_dialog",
    "crm_tui.dialogs.text_filter",
]


def test_dialogs_import_no_http_client_and_no_server():
    code = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        # Loaded modules only: `crm_tui` marks httpx's command-line module absent (a None entry).
        "print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))\n"
    )
    loaded = set(
        json.loads(
            subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
        )
    )
    assert set(MODULES) <= loaded
    forbidden = {"httpx", "httpcore", "crm_server", "api_client.client", "api_client.sse"}
    assert not {name for name in loaded if name.split(".")[0] in forbidden or name in forbidden}
