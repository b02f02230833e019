"""Completion read from the per-section counters kept current on save (never recomputed
from the answers on a read): per subject, per section, per center, per study."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.database import db
from datacapt.studies.context import restrict_to_visible_centers
from datacapt.studies.models import Study, StudyCenter
from plugins.ecrf.models import Section, SectionState
from plugins.ecrf.services import ecrf_of
from plugins.subjects.models import SubjectInStudy


def _ratio(answered: int | None, required: int | None) -> float | None:
    return round(answered / required, 4) if required else None


def subject_progress(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(Section.uuid, Section.title, SectionState.required, SectionState.answered)
        .outerjoin(
            SectionState,
            sa.and_(
                SectionState.section_id == Section.id,
                SectionState.subject_in_study_id == participation.id,
            ),
        )
        .where(Section.ecrf_id == ecrf_of(study).id)
        .order_by(Section.position)
    ).all()
    sections = [
        {
            "section": uuid,
            "title": title,
            "required": required or 0,
            "answered": answered or 0,
            "completion": _ratio(answered, required),
        }
        for uuid, title, required, answered in rows
    ]
    required = sum(s["required"] for s in sections)
    answered = sum(s["answered"] for s in sections)
    return {
        "subject": participation.uuid,
        "required": required,
        "answered": answered,
        "completion": _ratio(answered, required),
        "sections": sections,
    }


def subjects_with_progress(study: Study) -> sa.Select:
    """The study's subjects (visible centers), each with its summed completion counters."""
    totals = (
        sa.select(
            SectionState.subject_in_study_id,
            sa.func.sum(SectionState.required).label("required"),
            sa.func.sum(SectionState.answered).label("answered"),
        )
        .group_by(SectionState.subject_in_study_id)
        .subquery()
    )
    statement = (
        sa.select(SubjectInStudy, totals.c.required, totals.c.answered)
        .outerjoin(totals, totals.c.subject_in_study_id == SubjectInStudy.id)
        .where(SubjectInStudy.study_id == study.id)
        .order_by(SubjectInStudy.study_subject_id)
    )
    return restrict_to_visible_centers(statement, SubjectInStudy.center_id)


def page_with_progress(study: Study, pagination_parameters: Any) -> list[dict[str, Any]]:
    statement = subjects_with_progress(study)
    pagination_parameters.item_count = db.session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    size, page = pagination_parameters.page_size, pagination_parameters.page
    rows = db.session.execute(statement.limit(size).offset((page - 1) * size)).all()
    return [
        {
            "subject": participation,
            "required": int(required or 0),
            "answered": int(answered or 0),
            "completion": _ratio(answered, required),
        }
        for participation, required, answered in rows
    ]


def dashboard(study: Study) -> dict[str, Any]:
    """Subjects per status; completion per section and per center (visible centers only)."""
    visible = restrict_to_visible_centers(
        sa.select(SubjectInStudy.id).where(SubjectInStudy.study_id == study.id),
        SubjectInStudy.center_id,
    ).subquery()
    statuses = db.session.execute(
        sa.select(SubjectInStudy.status, sa.func.count())
        .where(SubjectInStudy.id.in_(sa.select(visible.c.id)))
        .group_by(SubjectInStudy.status)
    ).all()
    per_section = db.session.execute(
        sa.select(
            Section.uuid,
            Section.title,
            sa.func.sum(SectionState.required),
            sa.func.sum(SectionState.answered),
        )
        .join(SectionState, SectionState.section_id == Section.id)
        .where(
            Section.ecrf_id == ecrf_of(study).id,
            SectionState.subject_in_study_id.in_(sa.select(visible.c.id)),
        )
        .group_by(Section.uuid, Section.title, Section.position)
        .order_by(Section.position)
    ).all()
    per_center = db.session.execute(
        sa.select(
            StudyCenter.uuid,
            StudyCenter.code,
            sa.func.sum(SectionState.required),
            sa.func.sum(SectionState.answered),
        )
        .join(SubjectInStudy, SubjectInStudy.center_id == StudyCenter.id)
        .join(SectionState, SectionState.subject_in_study_id == SubjectInStudy.id)
        .where(SubjectInStudy.id.in_(sa.select(visible.c.id)))
        .group_by(StudyCenter.uuid, StudyCenter.code)
        .order_by(StudyCenter.code)
    ).all()
    return {
        "subjects_per_status": {status: count for status, count in statuses},
        "sections": [
            {
                "section": u,
                "title": t,
                "required": int(r or 0),
                "answered": int(a or 0),
                "completion": _ratio(a, r),
            }
            for u, t, r, a in per_section
        ],
        "centers": [
            {
                "center": u,
                "code": c,
                "required": int(r or 0),
                "answered": int(a or 0),
                "completion": _ratio(a, r),
            }
            for u, c, r, a in per_center
        ],
    }
