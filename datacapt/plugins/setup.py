"""Wires the loaded plugins into an app: blueprints, routes gating, cron, CLI, signals, and
what the core packages ask of the plugins (their registration functions: the core never
imports the plugin system)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask

from datacapt.api.extension import DatacaptApi
from datacapt.audit.listeners import register_record_listener
from datacapt.files.services import register_attachment_finder
from datacapt.forms.languages import register_form_languages
from datacapt.jobs.cron import register_cron_entry, register_fan_out
from datacapt.jobs.queue import register_job_guard
from datacapt.notifications.templates import CORE_OWNER, app_templates
from datacapt.permissions.registry import init_permissions_registry
from datacapt.plugins.dispatch import (
    file_attachments,
    form_languages,
    modules_using_center,
    notify_audit_listeners,
)
from datacapt.plugins.gating import ensure_job_allowed, init_route_gating
from datacapt.plugins.jobs import fan_out
from datacapt.plugins.loader import PluginError, PluginSet, load_plugins
from datacapt.plugins.services import enabled_in_transaction, init_plugin_set, tenant_lineage_plan
from datacapt.studies.services import register_center_use
from datacapt.tenancy.context import TenantRef, current_tenant
from datacapt.tenancy.services import register_lineage_plan
from datacapt.tenancy.signals import tenant_created


def init_plugins(
    app: Flask, api: DatacaptApi, allow: Sequence[str] | None, extra: Iterable[Any] = ()
) -> PluginSet:
    """Load the plugins and register everything they contribute, once, at start-up."""
    plugins = load_plugins(allow, extra)
    init_plugin_set(app, plugins)
    init_permissions_registry(app, plugins.permissions)
    register_job_guard(app, ensure_job_allowed)
    register_fan_out(app, fan_out)
    register_lineage_plan(app, tenant_lineage_plan)
    register_center_use(app, modules_using_center)
    register_attachment_finder(app, file_attachments)
    register_form_languages(app, form_languages)
    register_record_listener(app, notify_audit_listeners)
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
        owner == CORE_OWNER or owner in enabled_in_transaction(current_tenant().id)
    )

    def announce_tenant(_sender: Any, tenant: TenantRef) -> None:
        plugins.manager.hook.datacapt_tenant_created(tenant=tenant)

    tenant_created.connect(announce_tenant, sender=app, weak=False)
    return plugins
