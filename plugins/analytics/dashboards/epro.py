"""ePRO compliance per questionnaire and center: occurrences done (completed by their due
time), late (completed after it), missed (expired unfilled) and still open, counted in
one grouped statement."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, restrict_to_visible_centers, study_query
from plugins.analytics.dashboards.common import center_fields, ratio, visible_centers
from plugins.analytics.dashboards.modules import require_module
from plugins.subjects.api import SubjectInStudy

COUNTS = ("done", "late", "missed", "open")


def _figures(counts: dict[str, int]) -> dict[str, Any]:
    figures = {name: counts.get(name, 0) for name in COUNTS}
    ended = figures["done"] + figures["late"] + figures["missed"]
    return {**figures, "compliance": ratio(figures["done"], ended)}


def epro_compliance(study: Study) -> dict[str, Any]:
    require_module("epro")
    # Imported here: the tenant may not have the module, whose tables are then absent.
    from plugins.epro.api import Occurrence, OccurrenceStatus, Questionnaire

    completed = Occurrence.status == OccurrenceStatus.COMPLETED
    count = sa.func.count()
    statement = restrict_to_visible_centers(
        sa.select(
            Occurrence.questionnaire_id,
            SubjectInStudy.center_id,
            count.filter(completed & (Occurrence.completed_at <= Occurrence.due_at)).label("done"),
            count.filter(completed & (Occurrence.completed_at > Occurrence.due_at)).label("late"),
            count.filter(Occurrence.status == OccurrenceStatus.EXPIRED).label("missed"),
            count.filter(
                Occurrence.status.in_((OccurrenceStatus.SENT, OccurrenceStatus.STARTED))
            ).label("open"),
        )
        .join(SubjectInStudy, SubjectInStudy.id == Occurrence.subject_in_study_id)
        .where(Occurrence.study_id == study.id)
        .group_by(Occurrence.questionnaire_id, SubjectInStudy.center_id),
        SubjectInStudy.center_id,
    )
    counts = {
        (row.questionnaire_id, row.center_id): row._asdict()
        for row in db.session.execute(statement)
    }
    centers = visible_centers(study)
    questionnaires = []
    for questionnaire in db.session.execute(
        study_query(Questionnaire, study).order_by(Questionnaire.code)
    ).scalars():
        per_center = [
            {**center_fields(center), **_figures(counts.get((questionnaire.id, center.id), {}))}
            for center in centers
        ]
        totals = {name: sum(c[name] for c in per_center) for name in COUNTS}
        questionnaires.append(
            {
                "questionnaire": questionnaire.uuid,
                "code": questionnaire.code,
                "title": questionnaire.title,
                **_figures(totals),
                "centers": per_center,
            }
        )
    return {"questionnaires": questionnaires}
