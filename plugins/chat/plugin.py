"""The chat plugin's hooks."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa

from datacapt.toolkit import FileAttachment, PluginManifest, db, hookimpl
from plugins.chat import __version__, demo, messages, permissions, retention, routes
from plugins.chat.errors import ChatCodes
from plugins.chat.models import MODELS, ChatMessage, ChatThread, ThreadKind
from plugins.chat.settings import TenantSettingsSchema


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="chat",
        version=__version__,
        title="Chat",
        description="Threads between site staff and subjects and within a study's team, with receipts and notifications.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7550, 7570),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [ChatCodes]


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
    return retention.JOBS


@hookimpl
def datacapt_cron_entries():
    return [retention.REMOVE_OLD_MESSAGES]


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
def datacapt_file_attachments(file_uuid):
    """A subject thread's file is where the thread is: its center (none: the whole study),
    for those who talk with subjects there. A staff thread's is for its participants only,
    which the file storage cannot tell: it names a permission no role holds, so only the
    chat's own download (which checks participation) serves it."""
    thread = db.session.execute(
        sa.select(ChatThread)
        .join(ChatMessage, ChatMessage.thread_id == ChatThread.id)
        .where(ChatMessage.file_uuid == uuid.UUID(file_uuid))
    ).scalar_one_or_none()
    if thread is None:
        return []
    needed = (
        permissions.SUBJECTS if thread.kind == ThreadKind.SUBJECT else permissions.PARTICIPANTS_ONLY
    )
    return [FileAttachment(thread.study_id, thread.center_id, needed)]


@hookimpl
def datacapt_center_in_use(study, center):
    """Threads are kept at their center."""
    held = sa.select(ChatThread.id).where(
        ChatThread.study_id == study.id, ChatThread.center_id == center.id
    )
    return db.session.execute(held.limit(1)).first() is not None


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_thread(study)
