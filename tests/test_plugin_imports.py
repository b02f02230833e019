"""Plugins use the core only through ``datacapt.toolkit`` (their tests also through
``datacapt.testing``) and each other only through each plugin's ``api`` module; the core
never imports the toolkit."""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from datacapt.plugins.scaffold import scaffold_plugin

ROOT = Path(__file__).parents[1]
TOOLKIT = "datacapt.toolkit"
TESTING = "datacapt.testing"


@dataclass(frozen=True)
class PluginModule:
    path: Path
    name: str  # dotted, e.g. plugins.epro.delivery
    own: frozenset[str]  # the packages of its own distribution: any of their modules is fine

    @property
    def is_test(self) -> bool:
        return "tests" in self.name.split(".") or self.path.name.startswith(("test_", "conftest"))


def _allowed(target: str, module: PluginModule) -> bool:
    parts = target.split(".")
    if parts[0] not in ("datacapt", "plugins") or any(
        target == own or target.startswith(f"{own}.") for own in module.own
    ):
        return True  # the standard library, a third-party package, the plugin itself
    if target == TOOLKIT or (target == TESTING and module.is_test):
        return True
    return len(parts) == 3 and parts[0] == "plugins" and parts[2] == "api"


def _absolute(node: ast.ImportFrom, module: PluginModule) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _imported(node: ast.Import | ast.ImportFrom, module: PluginModule) -> tuple[str, list[str]]:
    """The module a from-import reads ("" for a plain import) and what the statement
    imports: modules, or ``module.name`` for each name of a from-import."""
    if isinstance(node, ast.Import):
        return "", [alias.name for alias in node.names]
    source = _absolute(node, module)
    return source, [f"{source}.{alias.name}" for alias in node.names]


def forbidden_imports(module: PluginModule) -> list[str]:
    """``path:line: imported`` for each import (at any depth, relative ones resolved) of
    the core beside the toolkit, or of another plugin beside its ``api`` module."""
    found = []
    for node in ast.walk(ast.parse(module.path.read_text(), str(module.path))):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        source, imported = _imported(node, module)
        if source and _allowed(source, module):
            continue  # `from datacapt import toolkit` imports datacapt.toolkit: see each name
        found += [f"{module.path}:{node.lineno}: {i}" for i in imported if not _allowed(i, module)]
    return found


def _modules(root: Path, package_dirs: list[Path], own: frozenset[str]) -> list[PluginModule]:
    return [
        PluginModule(path, ".".join(path.relative_to(root).with_suffix("").parts), own)
        for directory in package_dirs
        for path in sorted(directory.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


def built_in_plugin_modules() -> list[PluginModule]:
    return [
        module
        for plugin in sorted(p for p in (ROOT / "plugins").iterdir() if (p / "plugin.py").exists())
        for module in _modules(ROOT, [plugin], frozenset({f"plugins.{plugin.name}"}))
    ]


def distribution_modules(distribution: Path) -> list[PluginModule]:
    """A plugin distribution's packages and tests (the example, the scaffold's output)."""
    packages = [p for p in distribution.iterdir() if (p / "__init__.py").exists()]
    own = frozenset({p.name for p in packages} | {"tests"})
    return _modules(distribution, [*packages, distribution / "tests"], own)


def test_built_in_plugins_import_only_the_toolkit_and_api_modules():
    modules = built_in_plugin_modules()
    assert {m.name.split(".")[1] for m in modules} == {
        "subjects",
        "ecrf",
        "epro",
        "monitoring",
        "randomizations",
        "product_database",
        "allocation",
        "payments",
        "exports",
        "reports",
        "data_analysis",
        "analytics",
        "econsent",
        "econsult",
        "calendar_app",
        "event_calendar",
        "automations",
        "subject_repository",
        "subject_accounts",
        "recruitment",
        "templates",
        "translations",
        "chat",
        "side_by_side",
    }
    assert [problem for module in modules for problem in forbidden_imports(module)] == []


def test_the_example_and_the_scaffold_output_import_only_the_toolkit(tmp_path):
    scaffold_plugin("sample", tmp_path / "sample")
    for distribution in (ROOT / "examples" / "datacapt-hello", tmp_path / "sample"):
        modules = distribution_modules(distribution)
        assert len(modules) > 5
        assert [problem for module in modules for problem in forbidden_imports(module)] == []


def test_the_checker_reports_each_import_past_the_public_surfaces(tmp_path):
    package = tmp_path / "plugins" / "sample"
    (package / "tests").mkdir(parents=True)
    bad = package / "services.py"
    bad.write_text(
        "import sqlalchemy as sa\n"
        "import datacapt.jobs\n"
        "from datacapt.toolkit import db\n"
        "from datacapt import toolkit, database\n"
        "from datacapt.database import utcnow\n"
        "from datacapt.testing import TenantClient\n"
        "from plugins.subjects.api import get_subject\n"
        "from plugins.subjects import api, services\n"
        "from plugins.sample.models import Thing\n"
        "from . import models\n"
        "from ..ecrf import entry\n"
        "\n"
        "\n"
        "def later():\n"
        "    from plugins.subjects.models import Subject\n"
        "    from plugins.ecrf.api import subject_answers\n"
    )
    test = package / "tests" / "test_sample.py"
    test.write_text(
        "from datacapt.testing import TenantClient\n"
        "from datacapt.testing.client import tenant_host\n"
        "from datacapt.toolkit import db\n"
    )
    own = frozenset({"plugins.sample"})
    assert forbidden_imports(PluginModule(bad, "plugins.sample.services", own)) == [
        f"{bad}:{line}: {imported}"
        for line, imported in [
            (2, "datacapt.jobs"),
            (4, "datacapt.database"),
            (5, "datacapt.database.utcnow"),
            (6, "datacapt.testing.TenantClient"),
            (8, "plugins.subjects.services"),
            (11, "plugins.ecrf.entry"),
            (15, "plugins.subjects.models.Subject"),
        ]
    ]
    assert forbidden_imports(PluginModule(test, "plugins.sample.tests.test_sample", own)) == [
        f"{test}:2: datacapt.testing.client.tenant_host"
    ]


def test_each_plugin_api_and_the_toolkit_export_what_they_list():
    for name in (
        TOOLKIT,
        TESTING,
        "plugins.subjects.api",
        "plugins.ecrf.api",
        "plugins.epro.api",
        "plugins.randomizations.api",
        "plugins.monitoring.api",
    ):
        module = importlib.import_module(name)
        assert module.__all__, name
        assert len(set(module.__all__)) == len(module.__all__), name
        assert [n for n in module.__all__ if not hasattr(module, n)] == [], name


def test_the_core_never_imports_the_toolkit():
    """The toolkit is the outermost layer: a core module importing it closes a cycle."""
    core = [
        PluginModule(path, ".".join(path.relative_to(ROOT).with_suffix("").parts), frozenset())
        for path in sorted((ROOT / "datacapt").rglob("*.py"))
        if path.name != "toolkit.py" and "scaffold" not in path.parts
    ]
    importers = [
        f"{module.path}:{node.lineno}"
        for module in core
        for node in ast.walk(ast.parse(module.path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and TOOLKIT in {_imported(node, module)[0], *_imported(node, module)[1]}
    ]
    assert importers == []


def test_the_plugin_guide_lists_every_name_of_the_toolkit_and_the_test_kit():
    guide = (ROOT / "docs" / "plugins.md").read_text()
    section = guide[guide.index("## The toolkit:") :]
    section = section[: section.index("\n## ", 1)]
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)(?:\([^`]*\))?`", section))
    for module in ("datacapt.toolkit", "datacapt.testing"):
        missing = set(importlib.import_module(module).__all__) - documented
        assert not missing, f"docs/plugins.md does not list {sorted(missing)} of {module}"
