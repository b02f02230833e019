"""The exports plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.exports import __version__, demo, files, jobs, messages, permissions
from plugins.exports.definitions import routes as definition_routes
from plugins.exports.errors import ExportsCodes
from plugins.exports.models import MODELS
from plugins.exports.runs import routes as run_routes
from plugins.exports.settings import StudySettingsSchema


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="exports",
        version=__version__,
        title="Exports",
        description="Study data out as CSV, Excel, SAS transport, SPSS and CDISC ODM, run as jobs that stream, with snapshots that can be reproduced.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7260, 7280),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [ExportsCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [definition_routes.blp, run_routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_jobs():
    return jobs.JOBS


@hookimpl
def datacapt_cron_entries():
    return [jobs.REMOVE_EXPIRED]


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_file_attachments(file_uuid):
    return files.file_attachments(file_uuid)


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_exports(study)
