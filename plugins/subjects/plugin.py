"""The subjects plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.subjects import __version__, demo, permissions, records, routes, services
from plugins.subjects.errors import SubjectCodes
from plugins.subjects.models import Subject, SubjectCounter, SubjectInStudy, SubjectPersonalData
from plugins.subjects.schemas import SubjectStudySettingsSchema


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="subjects",
        version=__version__,
        title="Subjects",
        description="Subjects of the tenant, their personal data kept apart, and their studies.",
        core_version=">=0.1",
        error_codes=range(7020, 7040),
    )


@hookimpl
def datacapt_models():
    return [Subject, SubjectPersonalData, SubjectInStudy, SubjectCounter]


@hookimpl
def datacapt_error_codes():
    return [SubjectCodes]


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
def datacapt_study_settings_schema():
    return SubjectStudySettingsSchema


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_subjects(study)


@hookimpl
def datacapt_center_in_use(study, center) -> bool:
    return services.has_subjects_at(study, center)


@hookimpl
def datacapt_subject_records(subject_id):
    return records.subject_records(subject_id)


@hookimpl
def datacapt_erase_subject(subject_id):
    records.erase_subject(subject_id)
