"""The demo study's automation: a task for the investigators when a subject is included."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.automations.rules.models import AutomationRule
from plugins.automations.rules.services import create_rule

DEMO_RULE = {
    "name": "Welcome call after inclusion",
    "active": True,
    "trigger": {"kind": "subject_included"},
    "actions": [
        {
            "kind": "create_task",
            "role": "investigator",
            "title": "Call the subject within two days to welcome them to the study",
            "due_in_days": 2,
        }
    ],
}


def add_demo_rule(study: Study) -> None:
    if db.session.execute(
        sa.select(AutomationRule.id).where(AutomationRule.study_id == study.id)
    ).first():
        return
    create_rule(study, DEMO_RULE)
