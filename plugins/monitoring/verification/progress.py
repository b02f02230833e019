"""Progress of verification per study, center, section and subject, counted over the
answered source-data items (each zone's, in a section filled once per zone): how many the plans require, how many of those are verified,
and how many verified items no plan requires. One statement counts them, grouped by
center or subject and section, over what ``plans.requirements`` says of each subject.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from datacapt.toolkit import Study, StudyCenter, db, paginate, study_centers, study_query
from plugins.ecrf.api import Answer, answered, compiled_form
from plugins.monitoring.verification.models import PlanKind, SdvPlan, Verification
from plugins.monitoring.verification.plans import (
    Requirement,
    requirement_of,
    requirements,
    source_codes,
)
from plugins.subjects.api import SubjectInStudy

COUNTS = ("answered", "required", "verified", "verified_not_required")


def _figures(counts: Mapping[str, int]) -> dict[str, Any]:
    required, verified = counts.get("required", 0), counts.get("verified", 0)
    return {
        **{name: counts.get(name, 0) for name in COUNTS},
        "completion": round(verified / required, 4) if required else None,
    }


def _add(into: dict[str, int], row: Any) -> None:
    for name in COUNTS:
        into[name] = into.get(name, 0) + getattr(row, name)


def _counts(
    study: Study, required_of: Mapping[int, Requirement], key: sa.SQLColumnExpression[int]
) -> list[Any]:
    """The counts per ``key`` and section of the subjects of ``required_of``."""
    pairs = [(code, section) for section, codes in source_codes(study).items() for code in codes]
    if not required_of or not pairs:
        return []
    items = sa.values(sa.column("code", sa.String), sa.column("section", sa.Uuid), name="items")
    items = items.data(pairs)
    subject_ids = list(required_of)
    plan_ids = [r.plan_id if r.selected else None for r in required_of.values()]
    subjects = (
        sa.func.unnest(
            sa.literal(subject_ids, ARRAY(sa.BigInteger)),
            sa.literal(plan_ids, ARRAY(sa.BigInteger)),
        )
        .table_valued(sa.column("subject_id", sa.BigInteger), sa.column("plan_id", sa.BigInteger))
        .render_derived(name="subjects")
    )
    required = sa.and_(
        SdvPlan.id.is_not(None),
        sa.or_(SdvPlan.kind != PlanKind.FLAGGED_ITEMS, SdvPlan.codes.has_key(Answer.code)),
    )
    verified = Verification.id.is_not(None)
    count = sa.func.count()
    statement = (
        sa.select(
            key.label("key"),
            items.c.section,
            count.label("answered"),
            count.filter(required).label("required"),
            count.filter(sa.and_(required, verified)).label("verified"),
            count.filter(sa.and_(sa.not_(required), verified)).label("verified_not_required"),
        )
        .select_from(Answer)
        .join(subjects, subjects.c.subject_id == Answer.subject_in_study_id)
        .join(items, items.c.code == Answer.code)
        .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
        .outerjoin(SdvPlan, SdvPlan.id == subjects.c.plan_id)
        .outerjoin(
            Verification,
            sa.and_(
                Verification.subject_in_study_id == Answer.subject_in_study_id,
                Verification.code == Answer.code,
                Verification.instance == Answer.instance,
            ),
        )
        .where(answered(Answer.value))
        .group_by(key, items.c.section)
    )
    return list(db.session.execute(statement))


def _sections(study: Study, rows: list[Any]) -> list[dict[str, Any]]:
    """The design's sections, in order, each with the figures of its rows."""
    counts: dict[Any, dict[str, int]] = {}
    for row in rows:
        _add(counts.setdefault(row.section, {}), row)
    return [
        {
            "section": section["uuid"],
            "title": section["title"],
            **_figures(counts.get(section["uuid"], {})),
        }
        for section in compiled_form(study).document["sections"]
    ]


def _subjects(required_of: Mapping[int, Requirement]) -> dict[str, int]:
    return {
        "subjects": len(required_of),
        "subjects_selected": sum(r.selected for r in required_of.values()),
    }


def study_progress(study: Study) -> dict[str, Any]:
    """The study's figures (the subjects the caller sees), per center and per section."""
    required_of = requirements(study)
    rows = _counts(study, required_of, SubjectInStudy.center_id)
    total: dict[str, int] = {}
    by_center: dict[int, dict[str, int]] = {}
    for row in rows:
        _add(total, row)
        _add(by_center.setdefault(row.key, {}), row)
    return {
        "study": {**_figures(total), **_subjects(required_of)},
        "centers": [
            {
                "center": center.uuid,
                "center_code": center.code,
                **_figures(by_center.get(center.id, {})),
                **_subjects({s: r for s, r in required_of.items() if r.center_id == center.id}),
            }
            for center in study_centers(study)
        ],
        "sections": _sections(study, rows),
    }


def subject_fields(participation: SubjectInStudy) -> dict[str, Any]:
    """How a progress figure names its subject."""
    return {
        "subject": participation.uuid,
        "study_subject_id": participation.study_subject_id,
        "center": participation.center.uuid,
        "center_code": participation.center.code,
    }


def subjects_page(study: Study, pagination_parameters: Any, center: Any) -> list[SubjectInStudy]:
    """A page of the study's subjects at the centers the caller sees (or at one of them)."""
    statement = study_query(SubjectInStudy, study).order_by(SubjectInStudy.study_subject_id)
    if center is not None:
        statement = statement.join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id).where(
            StudyCenter.uuid == center
        )
    return paginate(statement, pagination_parameters)


def _subject_figures(
    participation: SubjectInStudy, requirement: Requirement, rows: list[Any]
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in rows:
        if row.key == participation.id:
            _add(counts, row)
    return {
        **subject_fields(participation),
        "plan": requirement.plan,
        "selected": requirement.selected,
        **_figures(counts),
    }


def subjects_progress(
    study: Study, pagination_parameters: Any, center: Any = None
) -> list[dict[str, Any]]:
    """A page of the study's subjects (the centers the caller sees, or one), each with
    their plan and figures."""
    page = subjects_page(study, pagination_parameters, center)
    drawn = requirements(study, {participation.center_id for participation in page})
    required_of = {participation.id: drawn[participation.id] for participation in page}
    rows = _counts(study, required_of, Answer.subject_in_study_id)
    return [_subject_figures(p, required_of[p.id], rows) for p in page]


def subject_progress(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    """A subject's plan and figures, in total and per section."""
    requirement = requirement_of(study, participation)
    rows = _counts(study, {participation.id: requirement}, Answer.subject_in_study_id)
    return {
        **_subject_figures(participation, requirement, rows),
        "sections": _sections(study, rows),
    }
