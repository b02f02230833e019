"""The subject_accounts plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.subject_accounts import __version__, demo, messages, permissions, records, routes
from plugins.subject_accounts.errors import SubjectAccountsCodes
from plugins.subject_accounts.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="subject_accounts",
        version=__version__,
        title="Subject accounts",
        description="Volunteers' own accounts: registration, login in a realm apart from staff, their own data.",
        # Registration makes panel members, and the account shows the panel's profile,
        # consents and GDPR requests.
        requires=("subject_repository",),
        core_version=">=0.1",
        error_codes=range(7460, 7480),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [SubjectAccountsCodes]


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
def datacapt_blueprints():
    return [routes.blp]


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_links(study)


@hookimpl
def datacapt_subject_records(subject_id):
    return records.subject_records(subject_id)


@hookimpl
def datacapt_erase_subject(subject_id):
    records.erase_subject(subject_id)
