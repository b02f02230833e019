"""The product database plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.product_database import __version__, demo, jobs, permissions, routes, study_routes
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="product_database",
        version=__version__,
        title="Product database",
        description="Products, formula versions, batches and the products of each study.",
        requires=(),
        core_version=">=0.1",
        error_codes=range(7140, 7170),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [ProductCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [routes.blp, study_routes.blp]


@hookimpl
def datacapt_permissions():
    return {
        permissions.PRODUCTS: permissions.PRODUCT_ACTIONS,
        permissions.BATCHES: permissions.BATCH_ACTIONS,
    }


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_jobs():
    return jobs.JOBS


@hookimpl
def datacapt_cron_entries():
    return [jobs.EXPIRE_BATCHES]


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_catalogue(study)
