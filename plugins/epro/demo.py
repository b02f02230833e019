"""The demo study's questionnaire: a weekly symptom diary for the first four weeks."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.epro.models import Questionnaire
from plugins.epro.schemas import QuestionnaireWriteSchema
from plugins.epro.services import create_questionnaire

DEMO_QUESTIONNAIRE = {
    "code": "WEEKLY-DIARY",
    "title": {"en": "Weekly symptom diary", "fr": "Journal hebdomadaire des symptômes"},
    "blocks": [
        {
            "kind": "question",
            "code": "pain",
            "type": "scale",
            "label": {"en": "Pain this week (0 none, 10 worst)", "fr": "Douleur cette semaine"},
            "required": True,
            "options": {"min": 0, "max": 10, "step": 1},
        },
        {
            "kind": "question",
            "code": "side_effects",
            "type": "yes_no",
            "label": {"en": "Did you notice side effects?", "fr": "Effets indésirables ?"},
            "required": True,
        },
        {
            "kind": "question",
            "code": "side_effects_detail",
            "type": "long_text",
            "label": {"en": "Which ones?", "fr": "Lesquels ?"},
            "required": True,
            "visible_if": {"==": [{"var": "side_effects"}, True]},
        },
    ],
    "channels": ["email", "sms"],
    "schedule": {
        "every_days": 7,
        "start_day": 7,
        "until_day": 28,
        "send_time": "09:00",
        "window_hours": 48,
        "available_hours": 120,
    },
    "reminders": {"every_hours": 24, "max": 2, "quiet_start": "21:00", "quiet_end": "08:00"},
}


def add_demo_questionnaire(study: Study) -> None:
    """The diary, unless the study has questionnaires already."""
    if db.session.execute(
        sa.select(Questionnaire.id).where(Questionnaire.study_id == study.id).limit(1)
    ).first():
        return
    create_questionnaire(study, QuestionnaireWriteSchema().load(DEMO_QUESTIONNAIRE))
