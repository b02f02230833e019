"""The econsult plugin's hooks."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from datacapt.toolkit import PluginManifest, db, hookimpl
from plugins.econsult import __version__, demo, expiry, messages, permissions, routes
from plugins.econsult.console import ConsoleProvider
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.jitsi import JitsiProvider
from plugins.econsult.models import MODELS, Room
from plugins.econsult.providers import register_provider
from plugins.econsult.settings import TenantSettingsSchema
from plugins.subjects.api import SubjectInStudy, participation_records

# The built-in providers; a third party registers its own through plugins.econsult.api.
register_provider("jitsi", JitsiProvider)
register_provider("console", ConsoleProvider)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="econsult",
        version=__version__,
        title="eConsult",
        description="Video consultations between site staff and a subject, through a pluggable provider.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7340, 7360),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [EconsultCodes]


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
    return expiry.JOBS


@hookimpl
def datacapt_cron_entries():
    return [expiry.CLOSE_EXPIRED]


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_tenant_settings_schema():
    return TenantSettingsSchema


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_center_in_use(study, center):
    """Rooms are kept with their subject's center."""
    held = (
        sa.select(Room.id)
        .join(SubjectInStudy, SubjectInStudy.id == Room.subject_in_study_id)
        .where(Room.study_id == study.id, SubjectInStudy.center_id == center.id)
    )
    return db.session.execute(held.limit(1)).first() is not None


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_room(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's video consultations (their times and outcome)."""
    return [
        participation_records(
            "econsult.rooms",
            Room,
            subject_id,
            lambda room: {
                "purpose": room.purpose,
                "status": room.status,
                "starts_at": room.starts_at,
            },
        )
    ]
