"""Finds, validates and orders the plugins at start-up; any problem stops the start."""

from __future__ import annotations

import dataclasses
import enum
import importlib.metadata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from datacapt.database.extension import TenantModel
from datacapt.errors.codes import CORE_CODE_RANGES
from datacapt.graphs import DependencyCycle, dependency_order
from datacapt.i18n import Domain, register_domain
from datacapt.jobs.cron import CronEntry
from datacapt.migrating.lineages import Lineage
from datacapt.permissions import PermissionsRegistry
from datacapt.permissions.defaults import DEFAULT_ROLES
from datacapt.plugins import hookspecs
from datacapt.plugins.manifest import PluginManifest
from datacapt.version import __version__

ENTRY_POINT_GROUP = "datacapt.plugins"


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message says which and why."""


@dataclass
class LoadedPlugin:
    """A validated plugin and what it contributes."""

    manifest: PluginManifest
    obj: Any
    lineage: Lineage | None = None
    blueprints: list[Any] = field(default_factory=list)
    models: list[type] = field(default_factory=list)
    job_paths: list[str] = field(default_factory=list)
    cron_entries: list[CronEntry] = field(default_factory=list)
    cli_commands: list[Any] = field(default_factory=list)
    message_templates: list[Any] = field(default_factory=list)
    settings_schema: type | None = None
    study_settings_schema: type | None = None
    translations: Domain | None = None
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    default_grants: dict[str, frozenset[str]] = field(default_factory=dict)
    error_codes: list[type[enum.IntEnum]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.manifest.name


def _job_path(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _call(pm: pluggy.PluginManager, plugin_name: str, hook: str, **kwargs: Any) -> Any:
    """Call one plugin's implementation of ``hook`` (None when it has none)."""
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if impl.plugin_name == plugin_name:
            return impl.function(**kwargs)
    return None


def _discover(allow: Sequence[str] | None) -> list[tuple[str, Any]]:
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if allow is not None:
        missing = sorted(set(allow) - set(entry_points))
        if missing:
            raise PluginError(
                f"DATACAPT_PLUGINS names plugins that are not installed: {', '.join(missing)}"
            )
    found = []
    for name in sorted(entry_points):
        if allow is not None and name not in allow:
            continue
        try:
            found.append((name, entry_points[name].load()))
        except Exception as exc:
            raise PluginError(f"plugin {name!r} failed to import: {exc}") from exc
    return found


def _dependency_order(manifests: dict[str, PluginManifest]) -> list[str]:
    for manifest in manifests.values():
        missing = [r for r in manifest.requires if r not in manifests]
        if missing:
            raise PluginError(
                f"plugin {manifest.name!r} requires {', '.join(missing)}, which is not loaded"
            )
    try:
        return dependency_order({name: m.requires for name, m in manifests.items()})
    except DependencyCycle as exc:
        raise PluginError(f"plugin dependency cycle: {exc}") from None


def _collect(
    pm: pluggy.PluginManager, name: str, obj: Any, manifest: PluginManifest
) -> LoadedPlugin:
    plugin = LoadedPlugin(manifest=manifest, obj=obj)
    migrations = _call(pm, name, "datacapt_migrations")
    if migrations is not None:
        if not (Path(migrations) / "versions").is_dir():
            raise PluginError(f"plugin {name!r}: migrations {migrations} has no versions/ folder")
        plugin.lineage = Lineage(name, Path(migrations), version_table=f"alembic_version_{name}")
    for model in _call(pm, name, "datacapt_models") or ():
        table = getattr(model, "__table__", None)
        if table is None or table.metadata is not TenantModel.metadata or table.schema:
            raise PluginError(
                f"plugin {name!r}: model {model.__name__} must be a TenantModel without a schema"
            )
        plugin.models.append(model)
    plugin.blueprints = list(_call(pm, name, "datacapt_blueprints") or ())
    plugin.job_paths = [_job_path(job) for job in _call(pm, name, "datacapt_jobs") or ()]
    for entry in _call(pm, name, "datacapt_cron_entries") or ():
        plugin.cron_entries.append(dataclasses.replace(entry, plugin=name))
    plugin.cli_commands = list(_call(pm, name, "datacapt_cli_commands") or ())
    plugin.message_templates = list(_call(pm, name, "datacapt_message_templates") or ())
    plugin.settings_schema = _call(pm, name, "datacapt_tenant_settings_schema")
    plugin.study_settings_schema = _call(pm, name, "datacapt_study_settings_schema")
    locales = _call(pm, name, "datacapt_translations")
    if locales is not None:
        if not Path(locales).is_dir():
            raise PluginError(f"plugin {name!r}: translations {locales} is not a folder")
        try:
            plugin.translations = register_domain(name, Path(locales))
        except ValueError as exc:
            raise PluginError(f"plugin {name!r}: {exc}") from exc
    plugin.default_grants = {
        role: frozenset(granted)
        for role, granted in (_call(pm, name, "datacapt_default_role_permissions") or {}).items()
    }
    permissions = _call(pm, name, "datacapt_permissions") or {}
    plugin.permissions = {category: frozenset(actions) for category, actions in permissions.items()}
    for codes in _call(pm, name, "datacapt_error_codes") or ():
        if not (isinstance(codes, type) and issubclass(codes, enum.IntEnum)):
            raise PluginError(f"plugin {name!r}: error codes {codes!r} are not an IntEnum class")
        plugin.error_codes.append(codes)
    return plugin


def _shown(numbers: range) -> str:
    return f"{numbers.start}-{numbers.stop - 1}"


def _check_error_codes(plugins: Iterable[LoadedPlugin]) -> None:
    """Each plugin's codes lie in its declared ranges, once each; no range overlaps the
    core's or another plugin's (the numbers clients see stay unambiguous)."""
    claimed = [("the core", numbers) for numbers in CORE_CODE_RANGES]
    for plugin in plugins:
        ranges = plugin.manifest.error_ranges
        for numbers in ranges:
            for owner, taken in claimed:
                if numbers.start < taken.stop and taken.start < numbers.stop:
                    raise PluginError(
                        f"plugin {plugin.name!r}: error codes {_shown(numbers)} overlap"
                        f" {_shown(taken)} of {owner}"
                    )
            claimed.append((f"plugin {plugin.name!r}", numbers))
        seen: dict[int, str] = {}
        for codes in plugin.error_codes:
            for code in codes:
                if not any(code.value in numbers for numbers in ranges):
                    declared = ", ".join(_shown(n) for n in ranges) or "none"
                    raise PluginError(
                        f"plugin {plugin.name!r}: error code {code.name} = {code.value} is"
                        f" outside its declared error_codes ({declared})"
                    )
                if code.value in seen:
                    raise PluginError(
                        f"plugin {plugin.name!r}: error code {code.value} is both"
                        f" {seen[code.value]} and {code.name}"
                    )
                seen[code.value] = code.name


@dataclass
class PluginSet:
    """The plugins of one app, in dependency order, and what they contributed."""

    manager: pluggy.PluginManager
    plugins: dict[str, LoadedPlugin]
    permissions: PermissionsRegistry

    def get(self, name: str) -> LoadedPlugin:
        return self.plugins[name]

    def call(self, name: str, hook: str, **kwargs: Any) -> Any:
        return _call(self.manager, name, hook, **kwargs)

    def dependents(self, name: str) -> list[str]:
        """Plugins that require ``name``, directly or not."""
        found = [p.name for p in self.plugins.values() if name in p.manifest.requires]
        for direct in list(found):
            found.extend(d for d in self.dependents(direct) if d not in found)
        return found

    def requirements(self, name: str) -> list[str]:
        """Everything ``name`` needs, directly or not, in the order to enable it."""
        needed: list[str] = []
        for requirement in self.plugins[name].manifest.requires:
            for inner in [*self.requirements(requirement), requirement]:
                if inner not in needed:
                    needed.append(inner)
        return needed

    def owner_of_job(self, path: str) -> str | None:
        """The plugin that declared the job function at ``path`` (None: a core job)."""
        for plugin in self.plugins.values():
            if path in plugin.job_paths:
                return plugin.name
        return None


def load_plugins(allow: Sequence[str] | None = None, extra: Iterable[Any] = ()) -> PluginSet:
    """Load the installed plugins (``allow``: only these) plus ``extra`` plugin objects."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    candidates = _discover(allow)
    for obj in extra:
        manifest_impl = getattr(obj, "datacapt_manifest", None)
        if manifest_impl is None:
            raise PluginError(f"{obj!r} has no datacapt_manifest hook")
        candidates.append((manifest_impl().name, obj))
    for name, obj in candidates:
        try:
            pm.register(obj, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(f"plugin {name!r} is invalid: {exc}") from exc
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin)!r}: {exc}") from exc

    manifests: dict[str, PluginManifest] = {}
    objects = dict(candidates)
    for name in objects:
        manifest = _call(pm, name, "datacapt_manifest")
        if not isinstance(manifest, PluginManifest):
            raise PluginError(
                f"plugin {name!r} has no datacapt_manifest returning a PluginManifest"
            )
        problems = manifest.problems(__version__)
        if manifest.name != name:
            problems.append(
                f"manifest name {manifest.name!r} differs from its entry point {name!r}"
            )
        if problems:
            raise PluginError(f"plugin {name!r} cannot be loaded: {'; '.join(problems)}")
        manifests[name] = manifest

    plugins: dict[str, LoadedPlugin] = {}
    registry = PermissionsRegistry()
    for name in _dependency_order(manifests):
        plugin = _collect(pm, name, objects[name], manifests[name])
        try:
            for category, actions in plugin.permissions.items():
                registry.register(category, actions, owner=name)
            for role, granted in plugin.default_grants.items():
                if role not in DEFAULT_ROLES:
                    raise ValueError(
                        f"plugin {name!r} grants permissions to {role!r}, not a default role"
                    )
                registry.add_default_grants(role, granted, owner=name)
        except ValueError as exc:
            raise PluginError(str(exc)) from exc
        plugins[name] = plugin
    _check_error_codes(plugins.values())
    return PluginSet(pm, plugins, registry)
