"""Widgets are pure views: no HTTP, no backend, no screens, and nothing slow on the start-up path."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
FORBIDDEN = ("httpx", "api_client.client", "crm_server", "crm_tui", "PIL")
MODULES = sorted(f"widgets.{path.stem}" for path in WIDGETS.glob("*.py") if path.stem != "__init__")


def imported_names(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every import statement in a file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
    return found


def test_widgets_import_no_http_backend_or_screens() -> None:
    assert {"widgets.report_table", "widgets.report_detail", "widgets.photo_panel"} <= set(MODULES)
    for path in WIDGETS.glob("*.py"):
        for module, _ in imported_names(path):
            assert not module.startswith(FORBIDDEN[:-1]), (path.name, module)
            assert not (module.startswith("api_client") and module != "api_client.models"), (path.name, module)


def test_pillow_is_imported_only_when_a_photo_is_drawn() -> None:
    for path in WIDGETS.glob("*.py"):
        for module, top_level in imported_names(path):
            if module.startswith("PIL"):
                assert not top_level, path.name


def _loaded_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


def test_importing_the_widgets_loads_nothing_forbidden_beyond_the_models() -> None:
    """What `api_client.models` itself pulls in is the models' business; the widgets add nothing."""
    baseline = _loaded_after("import api_client.models, textual.app, textual.widgets")
    loaded = _loaded_after("import importlib\n" + "\n".join(f"importlib.import_module({m!r})" for m in MODULES))
    added = loaded - baseline
    assert not [m for m in added if m.startswith(FORBIDDEN)], sorted(added)


def test_no_widget_parses_markup() -> None:
    """Report text is drawn as Content/Text/segments; nothing in widgets/ turns a string into markup."""
    live_markup = re.compile(r"from_markup|markup=True|render_markup|\[@click")
    for path in WIDGETS.glob("*.py"):
        assert not live_markup.search(path.read_text()), path.name
