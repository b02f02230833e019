"""Every model of the calendar_app plugin, from the module of each activity."""

from __future__ import annotations

from plugins.calendar_app.appointments.models import MODELS as APPOINTMENT_MODELS
from plugins.calendar_app.feeds.models import MODELS as FEED_MODELS
from plugins.calendar_app.reminders.models import MODELS as REMINDER_MODELS
from plugins.calendar_app.requests.models import MODELS as REQUEST_MODELS
from plugins.calendar_app.resources.models import MODELS as RESOURCE_MODELS
from plugins.calendar_app.schedule.models import MODELS as SCHEDULE_MODELS

MODELS: list[type] = [
    *REQUEST_MODELS,
    *SCHEDULE_MODELS,
    *RESOURCE_MODELS,
    *APPOINTMENT_MODELS,
    *REMINDER_MODELS,
    *FEED_MODELS,
]
