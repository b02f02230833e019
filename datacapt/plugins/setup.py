"""Wires the loaded plugins into an app: blueprints, routes gating, cron, CLI, signals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask

from datacapt.api.extension import DatacaptApi
from datacapt.audit import listeners  # noqa: F401  (registers the audit dispatch)
from datacapt.jobs.cron import register_cron_entry
from datacapt.notifications.templates import CORE_OWNER, app_templates
from datacapt.plugins.gating import init_route_gating
from datacapt.plugins.loader import PluginError, PluginSet, load_plugins
from datacapt.plugins.services import enabled_plugins, init_plugin_set
from datacapt.tenancy.context import TenantRef, current_tenant
from datacapt.tenancy.signals import tenant_created


def init_plugins(
    app: Flask, api: DatacaptApi, allow: Sequence[str] | None, extra: Iterable[Any] = ()
) -> PluginSet:
    """Load the plugins and register everything they contribute, once, at start-up."""
    plugins = load_plugins(allow, extra)
    init_plugin_set(app, plugins)
    owners: dict[str, str] = {}
    templates = app_templates(app)
    for plugin in plugins.plugins.values():
        for blueprint in plugin.blueprints:
            try:
                api.register_blueprint(blueprint)
            except ValueError as exc:
                raise PluginError(f"plugin {plugin.name!r}: {exc}") from exc
            owners[blueprint.name] = plugin.name
        for entry in plugin.cron_entries:
            register_cron_entry(app, entry)
        for command in plugin.cli_commands:
            app.cli.add_command(command)
        for template in plugin.message_templates:
            try:
                templates.register(template, owner=plugin.name)
            except ValueError as exc:
                raise PluginError(str(exc)) from exc
    init_route_gating(app, owners)
    # A disabled plugin's messages are not sent: their delivery would run its code.
    templates.owner_enabled = lambda owner: (
        owner == CORE_OWNER or owner in enabled_plugins(current_tenant().id)
    )

    def announce_tenant(_sender: Any, tenant: TenantRef) -> None:
        plugins.manager.hook.datacapt_tenant_created(tenant=tenant)

    tenant_created.connect(announce_tenant, sender=app, weak=False)
    return plugins
