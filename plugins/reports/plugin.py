"""The reports plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.reports import __version__, demo, files, jobs, messages, permissions
from plugins.reports.errors import ReportsCodes
from plugins.reports.models import MODELS
from plugins.reports.runs import routes


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="reports",
        version=__version__,
        title="Reports",
        description="Casebook PDFs of a subject or of the whole study, and the blank annotated CRF.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7280, 7290),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [ReportsCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_jobs():
    return [jobs.print_casebooks]


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_file_attachments(file_uuid):
    return files.file_attachments(file_uuid)


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_reports(study)
