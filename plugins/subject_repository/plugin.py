"""The subject_repository plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.subject_repository import __version__, permissions
from plugins.subject_repository.errors import SubjectRepositoryCodes
from plugins.subject_repository.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="subject_repository",
        version=__version__,
        title="Subject repository",
        description="The tenant's panel of volunteers: profiles, consents, participation history, wash-out rules and GDPR requests.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7430, 7460),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [SubjectRepositoryCodes]


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
