"""The eCRF plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.ecrf import __version__, demo, entry, jobs, permissions, routes
from plugins.ecrf.errors import EcrfCodes
from plugins.ecrf.models import (
    Answer,
    Block,
    DataQuery,
    DataQueryMessage,
    Ecrf,
    Section,
    SectionState,
    SubSection,
)
from plugins.ecrf.models import Answer as RecordedAnswer
from plugins.subjects.api import participation_records


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="ecrf",
        version=__version__,
        title="eCRF",
        description="The case report form of each study: its design and its data.",
        requires=("subjects",),
        core_version=">=0.1",
        # 7003 is the core's FILE_REFUSED, numbered among these before plugins had ranges.
        error_codes=(range(7000, 7003), range(7004, 7020)),
    )


@hookimpl
def datacapt_models():
    return [Ecrf, Section, SubSection, Block, Answer, SectionState, DataQuery, DataQueryMessage]


@hookimpl
def datacapt_error_codes():
    return [EcrfCodes]


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
def datacapt_jobs():
    return [jobs.refresh_progress]


@hookimpl
def datacapt_file_attachments(file_uuid):
    return entry.file_attachments(file_uuid)


@hookimpl
def datacapt_permissions():
    return permissions.CATEGORIES


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_design(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's answers: clinical data, kept pseudonymized on erasure."""
    return [
        participation_records(
            "ecrf.answers",
            RecordedAnswer,
            subject_id,
            lambda answer: {"code": answer.code, "value": answer.value},
        )
    ]
