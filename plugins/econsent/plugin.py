"""The econsent plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.econsent import __version__, permissions
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="econsent",
        version=__version__,
        title="eConsent",
        description="Versioned consent documents signed in order by subject, representative, witness and investigator; signed records; re-consent.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7310, 7340),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [EconsentCodes]


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
