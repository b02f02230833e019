"""Completion read from the per-section counters kept current on save (never recomputed
from the answers on a read): per subject, per section, per center, per study.

A subject's section with no counters yet (nothing saved in it) counts what a subject with
no answers has to fill in, from the compiled design.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, StudyCenter, db, paginate, restrict_to_visible_centers
from plugins.ecrf.entry import compiled_form
from plugins.ecrf.models import Section, SectionState
from plugins.subjects.api import SubjectInStudy


def _ratio(answered: int, required: int) -> float | None:
    return round(answered / required, 4) if required else None


def _counts(required: int | None, answered: int | None) -> dict[str, Any]:
    required, answered = int(required or 0), int(answered or 0)
    return {"required": required, "answered": answered, "completion": _ratio(answered, required)}


def _section_counts(study: Study, subject_ids: list[int] | None = None) -> sa.Subquery:
    """One row per visible subject of the study (of ``subject_ids`` only, when given) and
    section of its eCRF: the counters."""
    blank_required = compiled_form(study).blank_required
    if not blank_required:
        blank_required = {0: 0}  # no section yet: an empty VALUES list is not valid SQL
    sections = (
        sa.values(
            sa.column("section_id", sa.BigInteger),
            sa.column("blank_required", sa.Integer),
            name="blank",
        )
        .data(list(blank_required.items()))
        .alias("blank")
    )
    statement = (
        sa.select(
            SubjectInStudy.id.label("subject_in_study_id"),
            SubjectInStudy.center_id,
            sections.c.section_id,
            sa.func.coalesce(SectionState.required, sections.c.blank_required).label("required"),
            sa.func.coalesce(SectionState.answered, 0).label("answered"),
        )
        .select_from(SubjectInStudy)
        .join(sections, sa.true())
        .outerjoin(
            SectionState,
            sa.and_(
                SectionState.subject_in_study_id == SubjectInStudy.id,
                SectionState.section_id == sections.c.section_id,
            ),
        )
        .where(SubjectInStudy.study_id == study.id)
    )
    if subject_ids is not None:
        statement = statement.where(SubjectInStudy.id.in_(subject_ids))
    return restrict_to_visible_centers(statement, SubjectInStudy.center_id).subquery()


def subject_progress(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    counts = _section_counts(study, [participation.id])
    rows = db.session.execute(
        sa.select(Section.uuid, Section.title, counts.c.required, counts.c.answered)
        .join(counts, counts.c.section_id == Section.id)
        .order_by(Section.position)
    ).all()
    # A section filled once per instance (zone) has a row per instance: they add up.
    summed: dict[Any, list[Any]] = {}
    for uuid, title, required, answered in rows:
        counts_of = summed.setdefault(uuid, [title, 0, 0])
        counts_of[1] += required
        counts_of[2] += answered
    sections = [
        {"section": uuid, "title": title, **_counts(required, answered)}
        for uuid, (title, required, answered) in summed.items()
    ]
    return {
        "subject": participation.uuid,
        **_counts(sum(s["required"] for s in sections), sum(s["answered"] for s in sections)),
        "sections": sections,
    }


def page_with_progress(study: Study, pagination_parameters: Any) -> list[dict[str, Any]]:
    """A page of the study's subjects (visible centers) in subject id order, each with its
    summed completion counters.

    The page's ids are chosen first, on the (study_id, study_subject_id) index, and only
    those subjects are loaded and their counters summed: summing every subject's before the
    LIMIT cost a time growing with the study, and a plan chosen on missing statistics (a
    bulk load not yet analysed) made it quadratic (docs/operations.md, "The database
    server"). Ids alone keep a deep page's OFFSET walking the index, not sorting the study.
    """
    ids = restrict_to_visible_centers(
        sa.select(SubjectInStudy.id)
        .where(SubjectInStudy.study_id == study.id)
        .order_by(SubjectInStudy.study_subject_id),
        SubjectInStudy.center_id,
    )
    page = paginate(ids, pagination_parameters)
    if not page:
        return []
    counts = _section_counts(study, page)
    totals = (
        sa.select(
            counts.c.subject_in_study_id,
            sa.func.sum(counts.c.required).label("required"),
            sa.func.sum(counts.c.answered).label("answered"),
        )
        .group_by(counts.c.subject_in_study_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(SubjectInStudy, totals.c.required, totals.c.answered)
        .join(totals, totals.c.subject_in_study_id == SubjectInStudy.id)
        # Said again here, so the subjects are read by key rather than scanned for the join.
        .where(SubjectInStudy.id.in_(page))
        .order_by(SubjectInStudy.study_subject_id)
    ).all()
    return [
        {"subject": participation, **_counts(required, answered)}
        for participation, required, answered in rows
    ]


def dashboard(study: Study) -> dict[str, Any]:
    """Subjects per status; completion of the study, per section and per center (visible
    centers only)."""
    counts = _section_counts(study)
    statuses = db.session.execute(
        restrict_to_visible_centers(
            sa.select(SubjectInStudy.status, sa.func.count())
            .where(SubjectInStudy.study_id == study.id)
            .group_by(SubjectInStudy.status),
            SubjectInStudy.center_id,
        )
    ).all()
    required, answered = sa.func.sum(counts.c.required), sa.func.sum(counts.c.answered)
    per_section = db.session.execute(
        sa.select(Section.uuid, Section.title, required, answered)
        .join(counts, counts.c.section_id == Section.id)
        .group_by(Section.uuid, Section.title, Section.position)
        .order_by(Section.position)
    ).all()
    per_center = db.session.execute(
        sa.select(StudyCenter.uuid, StudyCenter.code, required, answered)
        .join(counts, counts.c.center_id == StudyCenter.id)
        .group_by(StudyCenter.uuid, StudyCenter.code)
        .order_by(StudyCenter.code)
    ).all()
    return {
        "subjects_per_status": {status: count for status, count in statuses},
        "study": _counts(*db.session.execute(sa.select(required, answered)).one()),
        "sections": [{"section": u, "title": t, **_counts(r, a)} for u, t, r, a in per_section],
        "centers": [{"center": u, "code": c, **_counts(r, a)} for u, c, r, a in per_center],
    }
