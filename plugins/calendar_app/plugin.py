"""The calendar_app plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, hookimpl
from plugins.calendar_app import __version__, permissions
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.models import MODELS


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="calendar_app",
        version=__version__,
        title="Calendar",
        description="Visit schedules with windows, appointments with rooms, instruments and staff, reminders and iCalendar feeds.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7360, 7390),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [CalendarAppCodes]


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
