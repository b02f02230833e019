"""The ePRO plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl, tenant_settings_changed
from plugins.epro import __version__, demo, jobs, messages, occurrences, permissions, routes
from plugins.epro.errors import EproCodes
from plugins.epro.models import EproAnswer, EproMessage, Occurrence, Questionnaire
from plugins.subjects.api import participation_changed, participation_records

# Signals reach every tenant: ePRO follows them only where it is enabled.
connect_when_enabled(participation_changed, "epro", occurrences.on_participation_changed)
connect_when_enabled(tenant_settings_changed, "epro", occurrences.on_tenant_settings_changed)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="epro",
        version=__version__,
        title="ePRO",
        description="Questionnaires subjects fill in themselves, sent on a schedule by email"
        " and SMS.",
        requires=("subjects",),
        core_version=">=0.1",
        # 1040 (QUESTIONNAIRE_HAS_ANSWERS) was numbered among the core's codes before
        # plugins had ranges; it keeps its number.
        error_codes=(range(8000, 8020), range(1040, 1041)),
    )


@hookimpl
def datacapt_models():
    return [Questionnaire, Occurrence, EproAnswer, EproMessage]


@hookimpl
def datacapt_error_codes():
    return [EproCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [routes.blp, routes.public_blp]


@hookimpl
def datacapt_jobs():
    return jobs.JOBS


@hookimpl
def datacapt_cron_entries():
    return [jobs.SEND_DUE]


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_questionnaire(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's questionnaire occurrences (their answers are clinical data)."""
    return [
        participation_records(
            "epro.occurrences",
            Occurrence,
            subject_id,
            lambda occurrence: {
                "questionnaire": occurrence.questionnaire.code,
                "day": occurrence.day,
                "status": occurrence.status,
                "completed_at": occurrence.completed_at,
            },
        )
    ]
