"""The chat plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.chat import __version__, permissions
from plugins.chat.errors import ChatCodes
from plugins.chat.models import MODELS


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
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS
