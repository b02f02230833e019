"""The randomizations plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.randomizations import __version__, demo, design_routes, jobs, permissions, routes
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.messages import TEMPLATES
from plugins.randomizations.models import MODELS
from plugins.randomizations.settings import StudySettingsSchema


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="randomizations",
        version=__version__,
        title="Randomization",
        description="Randomization designs, generated and imported lists, assignments,"
        " blinding and emergency unblinding.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7100, 7140),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [RandomizationCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [design_routes.blp, routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_jobs():
    return [jobs.run_simulation]


@hookimpl
def datacapt_message_templates():
    return TEMPLATES


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_design(study)
