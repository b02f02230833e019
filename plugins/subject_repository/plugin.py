"""The subject_repository plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.subject_repository import __version__, demo, gdpr, jobs, permissions, routes
from plugins.subject_repository.errors import SubjectRepositoryCodes
from plugins.subject_repository.models import MODELS
from plugins.subject_repository.settings import PanelSettingsSchema
from plugins.subject_repository.washout import WashoutSettingsSchema


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="subject_repository",
        version=__version__,
        title="Subject repository",
        description="The tenant's panel of volunteers: profiles, consents, participation history, wash-out rules and GDPR requests.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7430, 7460),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [SubjectRepositoryCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_tenant_settings_schema():
    return PanelSettingsSchema


@hookimpl
def datacapt_study_settings_schema():
    return WashoutSettingsSchema


@hookimpl
def datacapt_jobs():
    return [jobs.flag_inactive_volunteers]


@hookimpl
def datacapt_cron_entries():
    return [jobs.RETENTION]


@hookimpl
def datacapt_subject_records(subject_id):
    return gdpr.panel_records(subject_id)


@hookimpl
def datacapt_erase_subject(subject_id):
    gdpr.erase_panel_data(subject_id)


@hookimpl
def datacapt_file_attachments(file_uuid):
    return gdpr.file_attachments(file_uuid)


@hookimpl
def datacapt_blueprints():
    return [routes.blp]


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_panel(study)
