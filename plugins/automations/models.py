"""The automations plugin's models."""

from __future__ import annotations

from plugins.automations.rules.models import AutomationRule, AutomationRuleVersion
from plugins.automations.runs.models import AutomationEffect, AutomationRun
from plugins.automations.tasks.models import AutomationTask

MODELS: list[type] = [
    AutomationRule,
    AutomationRuleVersion,
    AutomationRun,
    AutomationEffect,
    AutomationTask,
]
