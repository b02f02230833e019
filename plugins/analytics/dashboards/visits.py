"""Visit completion: per section of the eCRF (a visit) and center, how many subjects are
expected to fill it in (every participant but the excluded: a screening failure does no
visit), how many started it (saved it once at least) and how many completed it (every
required question answered), from the counters the eCRF keeps current on each save."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, restrict_to_visible_centers
from plugins.analytics.dashboards.common import center_fields, ratio, visible_centers
from plugins.ecrf.api import Ecrf, Section, SectionState
from plugins.subjects.api import SubjectInStudy, SubjectStatus

COUNTS = ("expected", "started", "complete")


def _figures(row: Any) -> dict[str, Any]:
    figures = {name: getattr(row, name, 0) or 0 for name in COUNTS}
    return {**figures, "completion": ratio(figures["complete"], figures["expected"])}


def visit_completion(study: Study) -> dict[str, Any]:
    sections = (
        sa.select(Section.id, Section.uuid, Section.title, Section.position)
        .join(Ecrf, Ecrf.id == Section.ecrf_id)
        .where(Ecrf.study_id == study.id)
        .subquery("sections")
    )
    started = SectionState.version > 0
    complete = started & (SectionState.answered >= SectionState.required)
    statement = restrict_to_visible_centers(
        sa.select(
            sections.c.id.label("section_id"),
            SubjectInStudy.center_id,
            sa.func.count().label("expected"),
            sa.func.count().filter(started).label("started"),
            sa.func.count().filter(complete).label("complete"),
        )
        .select_from(SubjectInStudy)
        .join(sections, sa.true())
        .outerjoin(
            SectionState,
            sa.and_(
                SectionState.subject_in_study_id == SubjectInStudy.id,
                SectionState.section_id == sections.c.id,
            ),
        )
        .where(
            SubjectInStudy.study_id == study.id,
            SubjectInStudy.status != SubjectStatus.EXCLUDED,
        )
        .group_by(sections.c.id, SubjectInStudy.center_id),
        SubjectInStudy.center_id,
    )
    counts = {(row.section_id, row.center_id): row for row in db.session.execute(statement)}
    centers = visible_centers(study)
    result = []
    for section_id, section_uuid, title, _ in db.session.execute(
        sa.select(sections).order_by(sections.c.position)
    ):
        per_center = [
            {**center_fields(center), **_figures(counts.get((section_id, center.id)))}
            for center in centers
        ]
        totals = {name: sum(c[name] for c in per_center) for name in COUNTS}
        result.append(
            {
                "section": section_uuid,
                "title": title,
                **totals,
                "completion": ratio(totals["complete"], totals["expected"]),
                "centers": per_center,
            }
        )
    return {"sections": result}
