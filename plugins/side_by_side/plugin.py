"""The side_by_side plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl
from plugins.ecrf.api import answers_changing, section_instances
from plugins.randomizations.api import subject_randomized
from plugins.side_by_side import __version__, allocation, demo, permissions, routes
from plugins.side_by_side.errors import SideBySideCodes
from plugins.side_by_side.models import MODELS

connect_when_enabled(subject_randomized, "side_by_side", allocation.on_subject_randomized)
connect_when_enabled(section_instances, "side_by_side", allocation.section_zones)
connect_when_enabled(answers_changing, "side_by_side", allocation.check_order)


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


@hookimpl
def datacapt_blueprints():
    return [routes.blp]


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_zones(study)
