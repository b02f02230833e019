"""Per-tenant plugin state: enable (with migrations), disable (keeping data), settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import orm

from datacapt.audit.recorder import Actor, AuditContext, append_records, record_fields
from datacapt.database import db, transaction_cached, unit_of_work, utcnow
from datacapt.database.locks import locked_transaction
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.migrating import Lineage, recorded_heads, tenant_lineages, upgrade
from datacapt.plugins.loader import LoadedPlugin, PluginSet
from datacapt.plugins.models import TenantPlugin
from datacapt.tenancy.context import TenantRef, current_tenant, tenant_context
from datacapt.tenancy.models import TenantStatus
from datacapt.tenancy.services import get_tenant

log = logging.getLogger(__name__)

_EXTENSION_KEY = "datacapt.plugins"


def init_plugin_set(app: Flask, plugins: PluginSet) -> None:
    app.extensions[_EXTENSION_KEY] = plugins


def plugin_set() -> PluginSet:
    return current_app.extensions[_EXTENSION_KEY]


def get_plugin(name: str) -> LoadedPlugin:
    try:
        return plugin_set().get(name)
    except KeyError:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.PLUGIN_NOT_FOUND, f"No plugin {name!r} is loaded"
        ) from None


@dataclass(frozen=True)
class PluginState:
    """A loaded plugin and its state in one tenant (``row`` None: never enabled)."""

    plugin: LoadedPlugin
    row: TenantPlugin | None

    @property
    def enabled(self) -> bool:
        return bool(self.row and self.row.enabled)


def enabled_plugins(tenant_id: int, session: orm.Session | sa.Connection | None = None) -> set[str]:
    """Names of the loaded plugins a tenant has enabled (read with ``session`` if given)."""
    reader = session or db.session
    names = reader.execute(
        sa.select(TenantPlugin.plugin).where(
            TenantPlugin.tenant_id == tenant_id, TenantPlugin.enabled.is_(True)
        )
    ).scalars()
    loaded = plugin_set().plugins
    return {name for name in names if name in loaded}


def enabled_in_transaction(tenant_id: int) -> set[str]:
    """``enabled_plugins`` read once per transaction of the session: a request's gate and
    every signal receiver of a save ask, and one answer serves them all (a change of the
    tenant's plugins commits in a transaction of its own)."""
    return transaction_cached(("enabled_plugins", tenant_id), lambda: enabled_plugins(tenant_id))


def is_enabled(name: str) -> bool:
    """Whether the current tenant has the plugin ``name`` enabled: for a plugin that uses
    another one where the tenant has it, without requiring it (exports and monitoring)."""
    return name in enabled_in_transaction(current_tenant().id)


def plugin_states(tenant_id: int) -> list[PluginState]:
    rows = {
        row.plugin: row
        for row in db.session.execute(
            sa.select(TenantPlugin).where(TenantPlugin.tenant_id == tenant_id)
        ).scalars()
    }
    return [PluginState(plugin, rows.get(name)) for name, plugin in plugin_set().plugins.items()]


def tenant_lineage_plan(tenants: Sequence[TenantRef]) -> dict[str, list[Lineage]]:
    """Each tenant's lineages: the core's, then its enabled plugins' in dependency order."""
    core = tenant_lineages()
    rows = db.session.execute(
        sa.select(TenantPlugin.tenant_id, TenantPlugin.plugin).where(
            TenantPlugin.enabled.is_(True),
            TenantPlugin.tenant_id.in_([tenant.id for tenant in tenants]),
        )
    ).all()
    enabled: dict[int, set[str]] = {}
    for tenant_id, name in rows:
        enabled.setdefault(tenant_id, set()).add(name)
    plugins = plugin_set().plugins
    return {
        tenant.schema_name: core
        + [
            plugin.lineage
            for name, plugin in plugins.items()
            if plugin.lineage and name in enabled.get(tenant.id, ())
        ]
        for tenant in tenants
    }


def _writable_tenant(schema_name: str) -> TenantRef:
    tenant = get_tenant(schema_name)
    if tenant.status != TenantStatus.ACTIVE:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.TENANT_ARCHIVED,
            f"Tenant {schema_name!r} is archived: its modules cannot change",
        )
    return tenant


def _row(session: orm.Session, tenant_id: int, name: str) -> TenantPlugin:
    row = session.execute(
        sa.select(TenantPlugin).where(
            TenantPlugin.tenant_id == tenant_id, TenantPlugin.plugin == name
        )
    ).scalar_one_or_none()
    return row or _new_row(session, tenant_id, name)


def _rows(session: orm.Session, tenant_id: int) -> dict[str, TenantPlugin]:
    """Every plugin row of the tenant, by plugin name, in one query."""
    found = session.execute(sa.select(TenantPlugin).where(TenantPlugin.tenant_id == tenant_id))
    return {row.plugin: row for row in found.scalars()}


def _new_row(session: orm.Session, tenant_id: int, name: str) -> TenantPlugin:
    row = TenantPlugin(tenant_id=tenant_id, plugin=name, enabled=False, settings={})
    session.add(row)
    return row


def _run_lifecycle_hook(tenant: TenantRef, name: str, hook: str, **kwargs: Any) -> str | None:
    """Call a plugin's lifecycle hook inside the tenant; a failure is logged and returned."""
    try:
        # The hook's own unit of work: it follows the commit of the change it reports.
        with tenant_context(tenant), unit_of_work():
            plugin_set().call(name, hook, tenant=tenant, **kwargs)
    except Exception as exc:
        log.exception("%s of plugin %s failed in tenant %s", hook, name, tenant.schema_name)
        return f"{name}: {hook} failed: {type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class ToggleResult:
    changed: list[str]
    warnings: list[str]


def enable_plugin(schema_name: str, name: str, actor: str, with_deps: bool = False) -> ToggleResult:
    """Enable ``name`` (and, with ``with_deps``, what it requires) for a tenant."""
    return enable_plugins(schema_name, [name], actor, with_deps)


def enable_plugins(
    schema_name: str, names: Sequence[str], actor: str, with_deps: bool = False
) -> ToggleResult:
    """Enable ``names`` in order (and, with ``with_deps``, what they require) for a tenant.

    Migrations of each plugin run in the tenant's schema in one transaction with the state
    changes; the enabled hooks run after commit, inside the tenant.
    """
    tenant = _writable_tenant(schema_name)
    plugins = plugin_set()
    for name in names:
        get_plugin(name)
    with locked_transaction(db.engine, schema_name) as (connection, session):
        enabled = enabled_plugins(tenant.id, session)
        to_enable: list[str] = []
        for name in names:
            missing = [
                r for r in plugins.requirements(name) if r not in enabled and r not in to_enable
            ]
            if missing and not with_deps:
                raise DatacaptException(
                    ErrorCode.CONFLICT,
                    InternalCodes.PLUGIN_REQUIREMENTS_NOT_ENABLED,
                    f"{name} requires {', '.join(missing)}: enable them first or use --with-deps",
                    details={"missing": missing},
                )
            if name not in enabled and name not in to_enable:
                to_enable += [*missing, name]
        # A lineage recorded at head (a spare's, a plugin enabled before) has nothing to run.
        recorded = recorded_heads(connection, [schema_name])
        rows = _rows(session, tenant.id)
        for plugin_name in to_enable:
            plugin = plugins.get(plugin_name)
            lineage = plugin.lineage
            if lineage and recorded.get((schema_name, lineage.name)) != lineage.heads:
                upgrade(connection, lineage, schema_name)
            row = rows.get(plugin_name) or _new_row(session, tenant.id, plugin_name)
            row.enabled, row.enabled_at, row.enabled_by = True, utcnow(), actor
            row.settings = validated_settings(
                plugin.name, plugin.settings_schema, row.settings or {}
            )
            rows[plugin_name] = row
        _audit_each(
            connection,
            schema_name,
            "enable",
            {name: {"enabled": [False, True]} for name in to_enable},
            actor,
        )
        settings = {plugin_name: dict(rows[plugin_name].settings) for plugin_name in to_enable}
    warnings = [
        problem
        for plugin_name in to_enable
        if (
            problem := _run_lifecycle_hook(
                tenant, plugin_name, "datacapt_plugin_enabled", settings=settings[plugin_name]
            )
        )
    ]
    return ToggleResult(to_enable, warnings)


def disable_plugin(schema_name: str, name: str, actor: str) -> ToggleResult:
    """Disable ``name`` for a tenant; refused while an enabled plugin requires it."""
    tenant = _writable_tenant(schema_name)
    plugins = plugin_set()
    get_plugin(name)
    with locked_transaction(db.engine, schema_name) as (connection, session):
        enabled = enabled_plugins(tenant.id, session)
        blocking = [d for d in plugins.dependents(name) if d in enabled]
        if blocking:
            raise DatacaptException(
                ErrorCode.CONFLICT,
                InternalCodes.PLUGIN_REQUIRED_BY_ENABLED,
                f"{', '.join(blocking)} requires {name}: disable {'it' if len(blocking) == 1 else 'them'} first",
                details={"required_by": blocking},
            )
        if name not in enabled:
            return ToggleResult([], [])
        row = _row(session, tenant.id, name)
        row.enabled, row.disabled_at, row.disabled_by = False, utcnow(), actor
        _audit(connection, schema_name, "disable", name, {"enabled": [True, False]}, actor)
    problem = _run_lifecycle_hook(tenant, name, "datacapt_plugin_disabled")
    return ToggleResult([name], [problem] if problem else [])


def validated_settings(
    name: str,
    schema: type[ma.Schema] | None,
    values: Mapping[str, Any],
    unknown: Literal["exclude", "include", "raise"] = ma.RAISE,
) -> dict[str, Any]:
    """Settings as stored: defaults filled in, validated and serialized by ``schema`` (one of
    plugin ``name``'s settings schemas; None: it has no such settings). ``unknown``:
    ``ma.EXCLUDE`` drops the keys the schema does not have (stored ones it no longer has)."""
    if schema is None:
        if values and unknown == ma.RAISE:
            raise DatacaptException(
                ErrorCode.VALIDATION_ERROR,
                InternalCodes.VALIDATION_FAILED,
                Message("The module '{name}' has no such settings", name=name),
                fields={key: [Message("Unknown setting.")] for key in values},
            )
        return {}
    loader = schema()
    try:
        loaded = loader.load(dict(values), unknown=unknown)
    except ma.ValidationError as exc:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("Invalid settings for the module '{name}'", name=name),
            fields=exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages},
        ) from exc
    return loader.dump(loaded)


#: What a secret setting reads as once set (operator API, CLI, audit trail).
SECRET_SHOWN = "********"


def _secret_keys(schema: type[ma.Schema] | None) -> set[str]:
    """The settings a plugin marks secret (``metadata={"secret": True}``): stored and
    read by the plugin's own code, never shown nor written in the audit trail."""
    if schema is None:
        return set()
    return {key for key, field in schema().fields.items() if field.metadata.get("secret")}


def shown_settings(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` as an operator sees them: each secret that is set reads as a mask."""
    secrets = _secret_keys(get_plugin(name).settings_schema)
    return {
        key: SECRET_SHOWN if key in secrets and value is not None else value
        for key, value in settings.items()
    }


def get_settings(schema_name: str, name: str) -> dict[str, Any]:
    tenant = get_tenant(schema_name)
    plugin = get_plugin(name)
    row = db.session.execute(
        sa.select(TenantPlugin).where(
            TenantPlugin.tenant_id == tenant.id, TenantPlugin.plugin == name
        )
    ).scalar_one_or_none()
    return validated_settings(plugin.name, plugin.settings_schema, row.settings if row else {})


def update_settings(
    schema_name: str, name: str, changes: Mapping[str, Any], actor: str
) -> dict[str, Any]:
    """Validate ``changes`` over the current settings and store the result (audited); the
    answer shows secrets masked, and a secret given back as its mask keeps its value."""
    tenant = _writable_tenant(schema_name)
    plugin = get_plugin(name)
    secrets = _secret_keys(plugin.settings_schema)
    changes = {k: v for k, v in changes.items() if not (k in secrets and v == SECRET_SHOWN)}
    with locked_transaction(db.engine, schema_name) as (connection, session):
        row = _row(session, tenant.id, name)
        before = dict(row.settings or {})
        row.settings = validated_settings(
            plugin.name, plugin.settings_schema, {**before, **changes}
        )
        changed = {
            key: [before.get(key), value]
            for key, value in row.settings.items()
            if before.get(key) != value
        }
        shown = shown_settings(name, before), shown_settings(name, row.settings)
        audited = {key: [shown[0].get(key), shown[1][key]] for key in changed}
        _audit(connection, schema_name, "settings", name, audited, actor)
        return shown[1]


def _audit(
    connection: sa.Connection, schema: str, action: str, plugin: str, changes: dict, actor: str
) -> None:
    """Module toggles and settings are configuration events of the tenant's audit trail."""
    _audit_each(connection, schema, action, {plugin: changes}, actor)


def _audit_each(
    connection: sa.Connection,
    schema: str,
    action: str,
    changes: Mapping[str, dict],
    actor: str,
) -> None:
    """``_audit`` of several plugins (``changes`` by plugin name) in one statement."""
    if not changes:
        return
    who = Actor.from_label(actor)
    records = [
        record_fields(action, "plugin", plugin, change, AuditContext(), who, None)
        for plugin, change in changes.items()
    ]
    append_records(connection, schema, records)


def current_settings(name: str) -> dict[str, Any]:
    """The current tenant's settings of a plugin (for the plugin's own code)."""
    return get_settings(current_tenant().schema_name, name)
