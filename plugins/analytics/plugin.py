"""The analytics plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.analytics import __version__, demo, permissions
from plugins.analytics.dashboards import routes as dashboard_routes
from plugins.analytics.errors import AnalyticsCodes
from plugins.analytics.models import MODELS
from plugins.analytics.targets import routes as target_routes


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="analytics",
        version=__version__,
        title="Analytics",
        description="Enrollment against targets, visit completion, query ageing, SDV progress and ePRO compliance, as numbers and charts.",
        requires=("ecrf",),
        core_version=">=0.1",
        error_codes=range(7300, 7310),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [AnalyticsCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [dashboard_routes.blp, target_routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_targets(study)
