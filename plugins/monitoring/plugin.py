"""The monitoring plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl
from plugins.ecrf.api import answers_changed, answers_changing, section_read
from plugins.monitoring import __version__, demo, permissions
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks import holds as lock_holds
from plugins.monitoring.locks import models as lock_models
from plugins.monitoring.locks import routes as lock_routes
from plugins.monitoring.queries import models as query_models
from plugins.monitoring.queries import routes as query_routes
from plugins.monitoring.queries import services as query_services
from plugins.monitoring.review import models as review_models
from plugins.monitoring.review import routes as review_routes
from plugins.monitoring.review import services as review_services
from plugins.monitoring.settings import StudySettingsSchema
from plugins.monitoring.signatures import jobs as signature_jobs
from plugins.monitoring.signatures import messages as signature_messages
from plugins.monitoring.signatures import models as signature_models
from plugins.monitoring.signatures import receivers as signature_receivers
from plugins.monitoring.signatures import routes as signature_routes
from plugins.monitoring.verification import models as verification_models
from plugins.monitoring.verification import routes as verification_routes
from plugins.monitoring.verification import services as verification_services
from plugins.subjects.api import participation_records

# Signals reach every tenant: monitoring follows the eCRF's data only where it is enabled.
# A freeze or lock refuses a save before it writes; a change then costs the answers their
# verification, their section its review, the signatures over them their validity, and
# closed queries on them are flagged closed-modified.
connect_when_enabled(answers_changing, "monitoring", lock_holds.refuse_changes)
connect_when_enabled(answers_changed, "monitoring", query_services.on_answers_changed)
connect_when_enabled(answers_changed, "monitoring", verification_services.on_answers_changed)
connect_when_enabled(answers_changed, "monitoring", review_services.on_answers_changed)
connect_when_enabled(answers_changed, "monitoring", signature_receivers.on_answers_changed)
connect_when_enabled(section_read, "monitoring", query_services.on_section_read)
connect_when_enabled(section_read, "monitoring", verification_services.on_section_read)
connect_when_enabled(section_read, "monitoring", review_services.on_section_read)
connect_when_enabled(section_read, "monitoring", lock_holds.section_locks)
connect_when_enabled(section_read, "monitoring", signature_receivers.on_section_read)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="monitoring",
        version=__version__,
        title="Monitoring",
        description="Queries, source data verification, data review, freeze and lock, and"
        " electronic signatures of the eCRF's data.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7040, 7100),
    )


@hookimpl
def datacapt_models():
    return [
        *query_models.MODELS,
        *verification_models.MODELS,
        *review_models.MODELS,
        *lock_models.MODELS,
        *signature_models.MODELS,
    ]


@hookimpl
def datacapt_error_codes():
    return [MonitoringCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [
        query_routes.blp,
        verification_routes.blp,
        review_routes.blp,
        lock_routes.blp,
        signature_routes.blp,
    ]


@hookimpl
def datacapt_jobs():
    return [*signature_jobs.JOBS]


@hookimpl
def datacapt_message_templates():
    return [*signature_messages.TEMPLATES]


@hookimpl
def datacapt_permissions():
    return permissions.CATEGORIES


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_plans(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The monitors' work on the subject's data (verifications, signatures): kept."""
    return [
        participation_records(
            "monitoring.verifications", verification_models.Verification, subject_id
        ),
        participation_records("monitoring.signatures", signature_models.Signature, subject_id),
    ]
