"""The translations plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, Study, hookimpl
from plugins.translations import __version__, demo, permissions, routes
from plugins.translations.errors import TranslationsCodes
from plugins.translations.models import MODELS
from plugins.translations.settings import StudySettingsSchema, study_form_languages


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="translations",
        version=__version__,
        title="Translations",
        description="Form texts in any number of languages, their completeness, and files for translators.",
        requires=(),
        core_version=">=0.1",
        error_codes=range(7530, 7550),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [TranslationsCodes]


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
    return StudySettingsSchema


@hookimpl
def datacapt_form_languages(study: Study):
    return study_form_languages(study)


@hookimpl
def datacapt_demo_data(study: Study) -> None:
    demo.add_demo_languages(study)
