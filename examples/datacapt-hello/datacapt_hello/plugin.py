"""The Hello plugin's hooks: what it adds to the platform."""

from __future__ import annotations

import logging
from pathlib import Path

from datacapt.toolkit import CronEntry, PluginManifest, hookimpl

from datacapt_hello import __version__, jobs, messages, permissions, routes
from datacapt_hello.errors import HelloCodes
from datacapt_hello.models import HelloRecord
from datacapt_hello.schemas import SettingsSchema, StudySettingsSchema

log = logging.getLogger(__name__)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="hello",
        version=__version__,
        title="Hello",
        description="Records of a study with a default text, a job, a periodic tick and a greeting"
        " per study, shown and emailed.",
        requires=(),
        core_version=">=0.1",
        error_codes=range(9000, 9020),
    )


@hookimpl
def datacapt_error_codes():
    return [HelloCodes]


@hookimpl
def datacapt_models():
    return [HelloRecord]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_blueprints():
    return [routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_jobs():
    return [jobs.add_record, jobs.tick]


@hookimpl
def datacapt_cron_entries():
    return [CronEntry("hello-tick", "datacapt_hello.jobs.tick", interval=60)]


@hookimpl
def datacapt_tenant_settings_schema():
    return SettingsSchema


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_plugin_enabled(tenant, settings):
    log.info("hello enabled for %s with %s", tenant.schema_name, settings)
