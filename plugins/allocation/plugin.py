"""The allocation plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl
from plugins.allocation import __version__, demo, jobs, permissions
from plugins.allocation.configuration import routes as configuration_routes
from plugins.allocation.dispensing import routes as dispensing_routes
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits import routes as kit_routes
from plugins.allocation.kits import services as kit_services
from plugins.allocation.models import MODELS
from plugins.allocation.settings import StudySettingsSchema
from plugins.allocation.signals import center_stock_changed
from plugins.allocation.supply import jobs as supply_jobs
from plugins.allocation.supply import messages as supply_messages
from plugins.allocation.supply import receivers as supply_receivers
from plugins.allocation.supply import routes as supply_routes
from plugins.allocation.supply import shipments
from plugins.allocation.traceability import routes as traceability_routes
from plugins.product_database.api import batch_withdrawn

# A center whose stock changed, or that holds kits of a withdrawn batch, is checked for a
# resupply and a warning at once.
connect_when_enabled(center_stock_changed, "allocation", supply_receivers.on_center_stock_changed)
connect_when_enabled(batch_withdrawn, "allocation", supply_receivers.on_batch_withdrawn)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="allocation",
        version=__version__,
        title="Kit allocation",
        description="Kit types, kits in dummy and production inventories, dispensing to"
        " randomized subjects, returns, batch traceability and the supply of the centers.",
        requires=("product_database", "randomizations"),
        core_version=">=0.1",
        error_codes=range(7170, 7220),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [AllocationCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [
        kit_routes.blp,
        configuration_routes.blp,
        dispensing_routes.blp,
        traceability_routes.blp,
        supply_routes.blp,
    ]


@hookimpl
def datacapt_jobs():
    return [jobs.write_kit_import, *supply_jobs.JOBS]


@hookimpl
def datacapt_cron_entries():
    return [supply_jobs.CHECK_SUPPLY]


@hookimpl
def datacapt_message_templates():
    return supply_messages.TEMPLATES


@hookimpl
def datacapt_permissions():
    return {
        permissions.KITS: permissions.KIT_ACTIONS,
        permissions.DISPENSING: permissions.DISPENSING_ACTIONS,
        permissions.SUPPLY: permissions.SUPPLY_ACTIONS,
    }


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_kits(study)


@hookimpl
def datacapt_center_in_use(study, center) -> bool:
    return kit_services.has_kits_at(study, center) or shipments.has_shipments_to(study, center)
