"""The demo study's monitoring: a risk-based source data verification plan, the key
questions of every subject verified study-wide, and at the study's last center (Lyon in
the demo) every item of half the subjects, drawn at random."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_centers
from plugins.monitoring.verification.models import PlanKind, SdvPlan
from plugins.monitoring.verification.plans import create_plan, source_codes

# Before every demo subject started: the plans apply to all of them.
EFFECTIVE_FROM = dt.date(2020, 1, 1)
# The key questions of the demo's eCRF (those its design has).
KEY_QUESTIONS = ["visit_date", "weight", "systolic"]


def add_demo_plans(study: Study) -> None:
    """The demo plans, unless the study has plans already."""
    if db.session.execute(sa.select(SdvPlan.id).where(SdvPlan.study_id == study.id)).first():
        return
    designed = {code for codes in source_codes(study).values() for code in codes}
    key_questions = [code for code in KEY_QUESTIONS if code in designed]
    if key_questions:
        create_plan(
            study,
            {
                "kind": PlanKind.FLAGGED_ITEMS,
                "effective_from": EFFECTIVE_FROM,
                "codes": key_questions,
            },
        )
    centers = sorted(study_centers(study), key=lambda center: center.code)
    if len(centers) > 1:
        create_plan(
            study,
            {
                "kind": PlanKind.RANDOM_SUBJECTS,
                "effective_from": EFFECTIVE_FROM,
                "center": centers[-1].uuid,
                "percentage": 50,
            },
        )
