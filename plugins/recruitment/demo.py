"""The demo study's recruitment: a published page whose form excludes smokers, and slots
every 30 minutes from 9:00 to 12:00 a week ahead, two applicants each."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.recruitment.models import RecruitmentStudy
from plugins.recruitment.slots import add_slots
from plugins.recruitment.studies import create_recruitment

FORM = [
    {
        "kind": "question",
        "code": "smoker",
        "type": "yes_no",
        "label": {"en": "Do you smoke?", "fr": "Fumez-vous ?"},
        "required": True,
        "validations": [
            {"rule": {"==": [{"var": "smoker"}, True]}, "level": "exclusion", "message": "Smoker"}
        ],
    },
    {
        "kind": "question",
        "code": "phototype",
        "type": "single_choice",
        "label": {"en": "Skin phototype", "fr": "Phototype"},
        "required": True,
        "options": {
            "choices": [
                {"value": str(number), "label": {"en": roman, "fr": roman}}
                for number, roman in enumerate(("I", "II", "III", "IV", "V", "VI"), start=1)
            ]
        },
    },
]


def add_demo_recruitment(study: Study) -> None:
    """Only when the study has no recruitment yet: the seed runs at every start."""
    exists = sa.select(RecruitmentStudy.id).where(RecruitmentStudy.study_id == study.id)
    if db.session.execute(exists).first() is not None:
        return
    recruitment = create_recruitment(
        study,
        {
            "title": "Moisturizer tolerance study",
            "description": "Four weeks of a daily moisturizer, three visits.",
            "criteria": "Adults aged 18 to 65, non-smokers, dry skin.",
            "opens_on": None,
            "closes_on": None,
            "target": 20,
            "published": True,
            "blocks": FORM,
        },
    )
    add_slots(
        recruitment,
        {
            "day": dt.date.today() + dt.timedelta(days=7),
            "start": dt.time(9),
            "end": dt.time(12),
            "every_minutes": 30,
            "capacity": 2,
        },
    )
