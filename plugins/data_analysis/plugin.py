"""The data_analysis plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.data_analysis import __version__, permissions, routes
from plugins.data_analysis.errors import DataAnalysisCodes
from plugins.data_analysis.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="data_analysis",
        version=__version__,
        title="Data analysis",
        description="Descriptive statistics per question, by visit, center and (for the unblinded) arm; cross-tabulations.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7290, 7300),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [DataAnalysisCodes]


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
