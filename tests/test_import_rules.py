"""The import rules of the five packages, checked the way harlequin does: import a package (or a
layer of it) and every module in it in a fresh interpreter, then look at what ended up in
`sys.modules`; and read every import statement in the source, lazy ones inside functions too.

Between the packages (data flows one way: server -> api_client models -> screens -> widgets):

    crm_server  never imports crm_tui, widgets or api_client, nor textual; it shares crm_text
                with the console (intake cleans with it, and the CLI prints through it)
    api_client  never imports textual or crm_server (nor the app or its widgets)
    widgets     never import httpx, crm_server or the app; of api_client only its models (and the
                errors, query and retry modules they stand on)
    crm_text    imports nothing but the standard library
    crm_tui     the application: it may use all of the above

Within a package, its layers, top first. A module may import its own layer and the layers below
it, never one above; the modules no layer names (the package's root among them) are the bottom.

    crm_server  cli > demo > api > services > storage > the rest (schemas, errors, clock, ...):
                storage imports nothing of the services or the API, the services nothing of the
                API, and nothing below the API imports it; the CLI and the demo may use everything.
                The API layer builds no SQL: it names no table module, and of SQLAlchemy only the
                Connection type it hands to the services.
    crm_tui     cli > app > screens > dialogs > the rest (config, commands, permissions, ...):
                dialogs never import screens; screens and dialogs may use widgets and api_client.
    api_client  client > sse, timeouts > the rest (models, errors, query, retry): the models and
                what they stand on never reach the modules that speak HTTP.
    widgets and crm_text have no layers of their own.
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
    forbidden: tuple[str, ...] = ()  # modules (and their submodules) that must not load
    allowed_within: dict[str, tuple[str, ...]] | None = None  # of a package, only these modules
    stdlib_only: bool = False


@dataclass(frozen=True)
class Layers:
    order: tuple[tuple[str, ...], ...]  # top first; each layer some modules (with their submodules)

    def rank(self, module: str) -> int:
        """0 for the top layer; len(order) for the modules no layer names (the bottom)."""
        for rank, layer in enumerate(self.order):
            if within(module, layer):
                return rank
        return len(self.order)

    def name(self, rank: int) -> str:
        return "+".join(m.split(".", 1)[1] for m in self.order[rank]) if rank < len(self.order) else "rest"


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


RULES: dict[str, Rule] = {
    "crm_server": Rule(forbidden=("crm_tui", "widgets", "api_client", "textual")),
    "api_client": Rule(forbidden=("textual", "crm_server", "crm_tui", "widgets")),
    "widgets": Rule(
        forbidden=("httpx", "httpcore", "crm_server", "crm_tui"),
        # The models and what they stand on (errors, query, retry policy): nothing that speaks HTTP.
        allowed_within={
            "api_client": (
                "api_client",
                "api_client.models",
                "api_client.errors",
                "api_client.query",
                "api_client.retry",
            )
        },
    ),
    "crm_text": Rule(stdlib_only=True),
    "crm_tui": Rule(),  # the application: it may use all of the above
}
LAYERS: dict[str, Layers] = {
    "crm_server": Layers(
        (
            ("crm_server.cli",),
            ("crm_server.demo",),
            ("crm_server.api",),
            ("crm_server.services",),
            ("crm_server.storage",),
        )
    ),
    "crm_tui": Layers((("crm_tui.cli",), ("crm_tui.app",), ("crm_tui.screens",), ("crm_tui.dialogs",))),
    "api_client": Layers((("api_client.client",), ("api_client.sse", "api_client.timeouts"))),
}
# What a part of a package may not name, beyond its layer: the API layer builds no SQL.
PART_RULES: dict[str, Rule] = {
    "crm_server.api": Rule(
        forbidden=("crm_server.storage.schema", "crm_server.storage.fts"),
        allowed_within={"sqlalchemy": ("sqlalchemy", "sqlalchemy.Connection")},
    ),
}
ALWAYS_CHECKED = ("crm_server", "crm_text")
PRESENT = sorted(name for name in RULES if (ROOT / name / "__init__.py").is_file())
LAYERED = [name for name in PRESENT if name in LAYERS]

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
_MODULES_LOADER = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _in_fresh_interpreter(code: str, *args: str):
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def load(package: str) -> tuple[list[str], list[str]]:
    """(the package's own modules, every module that importing them loaded)."""
    data = _in_fresh_interpreter(_LOADER, package)
    return data["imported"], data["loaded"]


def loaded_by(modules: list[str]) -> list[str]:
    """Every module loaded once these, and nothing else of ours, are imported."""
    return _in_fresh_interpreter(_MODULES_LOADER, *modules)


def violations(package: str, rule: Rule, loaded: list[str]) -> list[str]:
    bad = []
    for module in loaded:
        top = module.split(".")[0]
        if within(module, rule.forbidden):
            bad.append(module)
        if rule.allowed_within and top in rule.allowed_within:
            allowed = rule.allowed_within[top]
            if not any(module == a or (a != top and module.startswith(a + ".")) for a in allowed):
                bad.append(module)
        if rule.stdlib_only and top != package and top not in sys.stdlib_module_names:
            bad.append(module)
    return bad


def above(package: str, rank: int, modules: list[str] | set[str]) -> list[str]:
    """Of `modules`, the package's own that lie in a layer above `rank`."""
    layers = LAYERS[package]
    return sorted(m for m in modules if within(m, (package,)) and layers.rank(m) < rank)


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def module_names(package: str, root: Path = ROOT) -> list[str]:
    return [_module_name(path, root) for path in sorted((root / package).rglob("*.py"))]


def layer_modules(package: str, rank: int, root: Path = ROOT) -> list[str]:
    return [m for m in module_names(package, root) if LAYERS[package].rank(m) == rank]


def test_the_core_packages_are_always_checked():
    assert set(ALWAYS_CHECKED) <= set(PRESENT)
    # A new top-level package needs a rule here before it ships.
    shipped = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "scripts"}
    assert shipped <= set(RULES), shipped - set(RULES)


def test_every_layer_and_part_holds_modules():
    """A module renamed or moved must not leave a rule about nothing."""
    for package in LAYERED:
        for rank in range(len(LAYERS[package].order) + 1):
            assert layer_modules(package, rank), (package, LAYERS[package].name(rank))
    for part in PART_RULES:
        assert any(within(m, (part,)) for m in module_names(part.split(".")[0])), part


def direct_imports(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Every module each source file of the package names in an import statement (anywhere in
    the file: a lazy import inside a function counts too)."""
    found: dict[str, set[str]] = {}
    for path in sorted((root / package).rglob("*.py")):
        module = _module_name(path, root)
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
    """What each module names against its package's rule, or against the rule of its part."""
    found = {}
    for module, names in direct_imports(package, root).items():
        bad = violations(package, RULES[package], sorted(names))
        for part, rule in PART_RULES.items():
            if within(module, (part,)):
                bad += violations(package, rule, sorted(names))
        if bad:
            found[module] = bad
    return found


def layer_violations(package: str, root: Path = ROOT) -> dict[str, list[str]]:
    """What each module names of a layer above its own."""
    layers = LAYERS[package]
    found = {
        module: above(package, layers.rank(module), names) for module, names in direct_imports(package, root).items()
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


@pytest.mark.parametrize("package", LAYERED)
def test_no_module_names_a_layer_above_its_own(package):
    assert layer_violations(package) == {}


@pytest.mark.parametrize(
    ("package", "rank"),
    [
        pytest.param(package, rank, id=f"{package}:{LAYERS[package].name(rank)}")
        for package in LAYERED
        for rank in range(1, len(LAYERS[package].order) + 1)  # the top layer has none above it
    ],
)
def test_importing_a_layer_loads_no_layer_above_it(package, rank):
    modules = layer_modules(package, rank)
    loaded = loaded_by(modules)
    assert set(modules) <= set(loaded)
    assert above(package, rank, loaded) == [], LAYERS[package].name(rank)


def test_the_module_checker_catches_violations():
    """The rules are not vacuous: what the server loads breaks the widgets' and crm_text's rules."""
    _, loaded = load("crm_server")
    assert {"crm_server.api.app", "sqlalchemy"} <= set(loaded)
    widget_violations = violations("widgets", RULES["widgets"], [*loaded, "api_client.sse", "api_client.models"])
    assert {"crm_server.api.app", "api_client.sse"} <= set(widget_violations)
    assert "api_client.models" not in widget_violations
    assert "sqlalchemy" in violations("crm_text", RULES["crm_text"], loaded)
    assert "json" not in violations("crm_text", RULES["crm_text"], ["json"])
    # Seen from the storage layer, the API, the services and the CLI lie above it; the models do not.
    storage = LAYERS["crm_server"].rank("crm_server.storage.engine")
    above_storage = above("crm_server", storage, loaded)
    assert {"crm_server.api.app", "crm_server.services.audit", "crm_server.cli"} <= set(above_storage)
    assert not {"crm_server.storage.engine", "crm_server.schemas", "crm_server"} & set(above_storage)


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


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_layer_checker_catches_imports_from_above(tmp_path):
    _write(
        tmp_path,
        {
            "crm_server/__init__.py": "",
            "crm_server/schemas.py": "from crm_server.api import deps\n",
            "crm_server/cli.py": "from crm_server.api import app\nfrom crm_server.demo import seed\n",
            "crm_server/storage/__init__.py": "",
            "crm_server/storage/engine.py": "def later():\n    from crm_server.services import audit\n",
            "crm_server/services/__init__.py": "",
            "crm_server/services/audit.py": (
                "from ..api import routes\nfrom crm_server import schemas\n"
                "from crm_server.storage.engine import Database\n"
            ),
            "crm_server/api/__init__.py": "",
            "crm_server/api/routes.py": (
                "from sqlalchemy import Connection, select\nfrom crm_server.storage.schema import reports\n"
                "from crm_server.services import audit\n"
            ),
            "crm_tui/__init__.py": "",
            "crm_tui/config.py": "",
            "crm_tui/dialogs/__init__.py": "",
            "crm_tui/dialogs/note_dialog.py": (
                "from crm_tui.screens.main_screen import MainScreen\nfrom crm_tui import config\n"
            ),
            "crm_tui/screens/__init__.py": "",
            "crm_tui/screens/main_screen.py": "from crm_tui.dialogs import note_dialog\nimport widgets.report_table\n",
        },
    )
    assert layer_violations("crm_server", tmp_path) == {
        "crm_server.schemas": ["crm_server.api", "crm_server.api.deps"],
        "crm_server.services.audit": ["crm_server.api", "crm_server.api.routes"],
        "crm_server.storage.engine": ["crm_server.services", "crm_server.services.audit"],
    }
    assert direct_violations("crm_server", tmp_path) == {
        "crm_server.api.routes": ["crm_server.storage.schema", "crm_server.storage.schema.reports", "sqlalchemy.select"]
    }
    assert layer_violations("crm_tui", tmp_path) == {
        "crm_tui.dialogs.note_dialog": ["crm_tui.screens.main_screen", "crm_tui.screens.main_screen.MainScreen"]
    }
