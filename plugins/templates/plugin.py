"""The templates plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, Study, hookimpl
from plugins.templates import __version__, demo, permissions, routes
from plugins.templates.errors import TemplatesCodes
from plugins.templates.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="templates",
        version=__version__,
        title="Templates",
        description="A tenant library of reusable eCRF pieces, questionnaires, consent documents and message templates.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7510, 7530),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [TemplatesCodes]


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
def datacapt_demo_data(study: Study) -> None:
    demo.add_demo_library(study)
