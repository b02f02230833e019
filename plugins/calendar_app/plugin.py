"""The calendar_app plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import (
    CronEntry,
    PluginManifest,
    connect_when_enabled,
    hookimpl,
    tenant_settings_changed,
)
from plugins.calendar_app import __version__, demo, messages, permissions, receivers
from plugins.calendar_app.appointments import routes as appointment_routes
from plugins.calendar_app.appointments.models import Appointment
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.feeds import routes as feed_routes
from plugins.calendar_app.models import MODELS
from plugins.calendar_app.reminders.services import send_due
from plugins.calendar_app.requests import routes as request_routes
from plugins.calendar_app.requests.models import AppointmentRequest
from plugins.calendar_app.resources import routes as resource_routes
from plugins.calendar_app.schedule import routes as schedule_routes
from plugins.calendar_app.settings import StudySettingsSchema
from plugins.ecrf.api import answers_changed
from plugins.subjects.api import participation_changed, participation_records

# Planned visits follow the participation and the answers, in the transaction of the
# change; reminders follow the tenant's time zone.
connect_when_enabled(participation_changed, "calendar_app", receivers.on_participation_changed)
connect_when_enabled(answers_changed, "calendar_app", receivers.on_answers_changed)
connect_when_enabled(tenant_settings_changed, "calendar_app", receivers.on_tenant_settings_changed)

#: Every minute, in every tenant with the calendar: the reminders due (one indexed read).
SEND_DUE = CronEntry(
    "calendar-reminders", "plugins.calendar_app.reminders.services.send_due", cron="* * * * *"
)


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
def datacapt_blueprints():
    return [
        schedule_routes.blp,
        resource_routes.blp,
        appointment_routes.blp,
        request_routes.blp,
        feed_routes.blp,
    ]


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
def datacapt_jobs():
    return [send_due]


@hookimpl
def datacapt_cron_entries():
    return [SEND_DUE]


@hookimpl
def datacapt_message_templates():
    return messages.templates()


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_calendar(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's appointments and the requests to book them."""
    return [
        participation_records(
            "calendar_app.appointments",
            Appointment,
            subject_id,
            lambda appointment: {
                "title": appointment.title,
                "starts_at": appointment.starts_at,
                "status": appointment.status,
            },
        ),
        participation_records("calendar_app.appointment_requests", AppointmentRequest, subject_id),
    ]
