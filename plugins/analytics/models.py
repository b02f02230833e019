"""The analytics plugin's models: the dashboards read other modules' tables; only the
enrollment targets are its own."""

from __future__ import annotations

from plugins.analytics.targets.models import EnrollmentTarget

MODELS: list[type] = [EnrollmentTarget]
