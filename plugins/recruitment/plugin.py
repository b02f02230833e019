"""The recruitment plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import CronEntry, PluginManifest, hookimpl
from plugins.recruitment import (
    __version__,
    demo,
    messages,
    permissions,
    public_routes,
    records,
    routes,
)
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import MODELS
from plugins.recruitment.slots import send_reminders

#: Every 15 minutes, in every tenant with recruitment: the visits of the coming day, each
#: reminded once.
REMINDERS = CronEntry(
    "recruitment-reminders", "plugins.recruitment.slots.send_reminders", cron="*/15 * * * *"
)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="recruitment",
        version=__version__,
        title="Recruitment",
        description="Recruitment studies: public pages, applications with pre-screening, campaigns, visit slots, conversion.",
        requires=("subject_repository",),
        core_version=">=0.1",
        error_codes=range(7480, 7510),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [RecruitmentCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [routes.blp, public_routes.public_blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_jobs():
    return [send_reminders]


@hookimpl
def datacapt_cron_entries():
    return [REMINDERS]


@hookimpl
def datacapt_message_templates():
    return messages.templates()


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_recruitment(study)


@hookimpl
def datacapt_subject_records(subject_id):
    return records.subject_records(subject_id)


@hookimpl
def datacapt_erase_subject(subject_id):
    records.erase_subject(subject_id)
