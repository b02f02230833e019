"""The event_calendar plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.event_calendar import __version__, demo, permissions, routes
from plugins.event_calendar.errors import EventCalendarCodes
from plugins.event_calendar.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="event_calendar",
        version=__version__,
        title="Event calendar",
        description="Study and tenant events and milestones, in the calendar feeds.",
        requires=(),
        core_version=">=0.1",
        error_codes=range(7390, 7400),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [EventCalendarCodes]


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
    demo.add_demo_events(study)
