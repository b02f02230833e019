"""The reports plugin's models."""

from __future__ import annotations

from plugins.reports.runs.models import ReportRun

MODELS: list[type] = [ReportRun]
