"""The import rules of docs/conventions.md, checked the way harlequin does: import a package and
every module in it in a fresh interpreter, then look at what ended up in `sys.modules`.

    crm_server  never imports crm_tui, widgets or api_client, nor textual
    api_client  never imports textual or crm_server (nor the app or its widgets)
    widgets     never import httpx, crm_server or the app; of api_client only its models (and the
                errors, query and retry modules they stand on)
    crm_text    imports nothing but the standard library
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rule:
    forbidden: tuple[str, ...] = ()  # top-level packages (and their submodules) that must not load
    allowed_within: dict[str, tuple[str, ...]] | None = None  # of a package, only these modules
    stdlib_only: bool = False


RULES: dict[str, Rule] = {
    "crm_server": Rule(forbidden=("crm_tui", "widgets", "api_client", "textual")),
    "api_client": Rule(forbidden=("textual", "crm_server", "crm_tui", "widgets")),
    "widgets": Rule(
        forbidden=("httpx", "httpcore", "crm_server", "crm_tui"),
        # The models and what they stand on (errors, query, retry policy): nothing that speaks HTTP.
        allowed_within={
            "api_client": ("api_client", "api_client.models", "api_client.errors", "api_client.query", "api_client.retry")
        },
    ),
    "crm_text": Rule(stdlib_only=True),
    "crm_tui": Rule(),  # the application: it may use all of the above
}
ALWAYS_CHECKED = ("crm_server", "crm_text")
PRESENT = sorted(name for name in RULES if (ROOT / name / "__init__.py").is_file())

_LOADER = """
import importlib, json, pkgutil, sys
before = set(sys.modules)
name = sys.argv[1]
package = importlib.import_module(name)
modules = [name]
for info in pkgutil.walk_packages(package.__path__, name + "."):
    importlib.import_module(info.name)
    modules.append(info.name)
print(json.dumps({"imported": modules, "loaded": sorted(set(sys.modules) - before)}))
"""


def load(package: str) -> tuple[list[str], list[str]]:
    """(the package's own modules, every module that importing them loaded)."""
    result = subprocess.run(
        [sys.executable, "-c", _LOADER, package], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["imported"], data["loaded"]


def violations(package: str, rule: Rule, loaded: list[str]) -> list[str]:
    bad = []
    for module in loaded:
        top = module.split(".")[0]
        if top in rule.forbidden:
            bad.append(module)
        if rule.allowed_within and top in rule.allowed_within:
            allowed = rule.allowed_within[top]
            if not any(module == a or (a != top and module.startswith(a + ".")) for a in allowed):
                bad.append(module)
        if rule.stdlib_only and top != package and top not in sys.stdlib_module_names:
            bad.append(module)
    return bad


def test_the_core_packages_are_always_checked():
    assert set(ALWAYS_CHECKED) <= set(PRESENT)
    # A new top-level package needs a rule here before it ships.
    shipped = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "scripts"}
    assert shipped <= set(RULES), shipped - set(RULES)



def direct_imports(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Every module each source file of the package names in an import statement (anywhere in
    the file: a lazy import inside a function counts too)."""
    found: dict[str, set[str]] = {}
    for path in sorted((root / package).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against this module's package
                    base = module.split(".")
                    base = base[: len(base) - node.level + (path.name == "__init__.py")]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                names.add(target)
                # `from api_client import CrmClient` reaches past the models, as `import` would.
                names.update(f"{target}.{alias.name}" for alias in node.names)
        found[module] = names
    return found


def direct_violations(package: str, root: Path = ROOT) -> dict[str, list[str]]:
    found = {
        module: violations(package, RULES[package], sorted(names))
        for module, names in direct_imports(package, root).items()
    }
    return {module: names for module, names in found.items() if names}


@pytest.mark.parametrize("package", PRESENT)
def test_direct_imports(package):
    assert direct_violations(package) == {}


@pytest.mark.parametrize("package", PRESENT)
def test_import_rules(package):
    imported, loaded = load(package)
    assert imported[0] == package and package in loaded
    assert violations(package, RULES[package], loaded) == []


def test_the_module_checker_catches_violations():
    """The rules are not vacuous: what the server loads breaks the widgets' and crm_text's rules."""
    _, loaded = load("crm_server")
    assert {"crm_server.api.app", "sqlalchemy"} <= set(loaded)
    widget_violations = violations("widgets", RULES["widgets"], [*loaded, "api_client.sse", "api_client.models"])
    assert {"crm_server.api.app", "api_client.sse"} <= set(widget_violations)
    assert "api_client.models" not in widget_violations
    assert "sqlalchemy" in violations("crm_text", RULES["crm_text"], loaded)
    assert "json" not in violations("crm_text", RULES["crm_text"], ["json"])


def test_the_source_checker_catches_direct_and_lazy_imports(tmp_path):
    widgets = tmp_path / "widgets"
    widgets.mkdir()
    (widgets / "__init__.py").write_text("")
    (widgets / "ok.py").write_text("from api_client.models import Report\nfrom . import ok\nimport textual.app\n")
    (widgets / "bad.py").write_text(
        "from api_client import CrmClient\n\ndef later():\n    import httpx\n    from crm_server.api import app\n"
    )
    (tmp_path / "crm_text").mkdir()
    (tmp_path / "crm_text" / "__init__.py").write_text("import re\nfrom .x import y\nimport pydantic\n")
    assert direct_violations("widgets", tmp_path) == {
        "widgets.bad": ["api_client.CrmClient", "crm_server.api", "crm_server.api.app", "httpx"]
    }
    assert direct_violations("crm_text", tmp_path) == {"crm_text": ["pydantic"]}
