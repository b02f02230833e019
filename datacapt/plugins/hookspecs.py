"""The hooks a plugin may implement. Each one is documented in docs/plugins.md.

Every hook except ``datacapt_tenant_created`` is called for one plugin at a time: the
core asks each plugin for its own manifest, blueprints, and so on, calls the lifecycle
hooks only for the plugin being enabled or disabled, and audit listeners only in tenants
that enabled the plugin.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    import flask_smorest
    import marshmallow

    from datacapt.files.services import FileAttachment
    from datacapt.jobs.cron import CronEntry
    from datacapt.notifications.templates import MessageTemplate
    from datacapt.plugins.manifest import PluginManifest
    from datacapt.plugins.subject_records import SubjectRecords
    from datacapt.studies.models import Study, StudyCenter
    from datacapt.tenancy.context import TenantRef

PROJECT = "datacapt"
hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def datacapt_manifest() -> PluginManifest:
    """Required. The plugin's name, version, title, requirements and supported core."""


@hookspec
def datacapt_models() -> Iterable[type]:
    """The plugin's SQLAlchemy models; each must be a tenant model (no schema)."""


@hookspec
def datacapt_migrations() -> Path:
    """The Alembic script directory of the plugin's lineage, applied in tenant schemas."""


@hookspec
def datacapt_blueprints() -> Iterable[flask_smorest.Blueprint]:
    """flask-smorest blueprints; answered only for tenants that enabled the plugin."""


@hookspec
def datacapt_permissions() -> Mapping[str, Iterable[str]]:
    """Permission categories the plugin adds, each with its actions."""


@hookspec
def datacapt_error_codes() -> Iterable[type[enum.IntEnum]]:
    """The plugin's error codes (IntEnum classes), each number in its manifest's
    ``error_codes`` ranges."""


@hookspec
def datacapt_default_role_permissions() -> Mapping[str, Iterable[str]]:
    """Which of the plugin's permissions each default role grants (role name -> permissions)."""


@hookspec
def datacapt_jobs() -> Iterable[Callable[..., Any]]:
    """Job functions; run only in tenants that enabled the plugin."""


@hookspec
def datacapt_cron_entries() -> Iterable[CronEntry]:
    """Periodic jobs, each run for every tenant that enabled the plugin."""


@hookspec
def datacapt_message_templates() -> Iterable[MessageTemplate]:
    """The plugin's email and SMS templates, each with its texts per language (English
    required); keys start with the plugin's name and a dot."""


@hookspec
def datacapt_cli_commands() -> Iterable[click.Command]:
    """Click commands or groups added to the `flask` CLI."""


@hookspec
def datacapt_tenant_settings_schema() -> type[marshmallow.Schema]:
    """A marshmallow schema of the plugin's per-tenant settings, with load defaults."""


@hookspec
def datacapt_study_settings_schema() -> type[marshmallow.Schema]:
    """A marshmallow schema of the plugin's settings in each study, with load defaults."""


@hookspec
def datacapt_translations() -> Path:
    """The plugin's locales folder (``<language>/LC_MESSAGES/<plugin name>.po``): it
    translates the messages created by the code of the folder that holds it."""


@hookspec
def datacapt_tenant_created(tenant: TenantRef) -> None:
    """A tenant was created (called for every loaded plugin, outside any tenant)."""


@hookspec
def datacapt_plugin_enabled(tenant: TenantRef, settings: dict[str, Any]) -> None:
    """The plugin was enabled for ``tenant``; runs inside it, after its migrations."""


@hookspec
def datacapt_plugin_disabled(tenant: TenantRef) -> None:
    """The plugin was disabled for ``tenant``; runs inside it. Its data stays."""


@hookspec
def datacapt_audit_event(tenant: TenantRef, record: dict[str, Any]) -> None:
    """An audit record was committed in ``tenant`` (only for plugins enabled there).

    Called after the commit; a listener that fails is logged and never undoes the write.
    """


@hookspec
def datacapt_demo_data(study: Study) -> None:
    """Add the plugin's example data to the demo study (``flask demo seed``, inside the
    demo tenant, on every run: add only what is missing)."""


@hookspec
def datacapt_center_in_use(study: Study, center: StudyCenter) -> bool:
    """Whether the plugin keeps records of ``study`` at ``center`` (subjects, visits, ...):
    while any plugin enabled in the tenant says so, the center stays in the study."""


@hookspec
def datacapt_file_attachments(file_uuid: str) -> Iterable[FileAttachment]:
    """Where the plugin's data refers to the upload ``file_uuid`` (canonical form), in the
    current tenant: each place's study, center and the permission that reads it. An upload
    any plugin names is downloadable only by callers who see one of those places."""


@hookspec
def datacapt_subject_records(subject_id: int) -> Iterable[SubjectRecords]:
    """What the plugin holds about the tenant's subject ``subject_id`` (the subjects
    module's ``Subject.id``), one ``SubjectRecords`` per kind: the inventory of an access
    request. Called inside the tenant, only for plugins enabled there."""


@hookspec
def datacapt_erase_subject(subject_id: int) -> None:
    """Erase the plugin's personal data of the subject ``subject_id`` (names, contact
    details, free texts about the person), keeping pseudonymized the clinical data that
    must be retained; in the current transaction, inside the tenant, only for plugins
    enabled there."""
