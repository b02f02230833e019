"""The side_by_side plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.side_by_side import __version__, permissions
from plugins.side_by_side.errors import SideBySideCodes
from plugins.side_by_side.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="side_by_side",
        version=__version__,
        title="Side by side",
        description="Split-body studies: products randomized to body zones, every zone assessed with the same form.",
        requires=("randomizations", "product_database", "ecrf"),
        core_version=">=0.1",
        error_codes=range(7570, 7590),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [SideBySideCodes]


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
