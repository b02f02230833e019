"""Every model of the calendar_app plugin, from the module of each activity."""

from __future__ import annotations

from plugins.calendar_app.requests.models import MODELS as REQUEST_MODELS

MODELS: list[type] = [*REQUEST_MODELS]
