"""How well subjects keep to their questionnaires, per questionnaire of the study, at the
centers the caller may see: completed on time or late, missed, still open, and the
messages that failed to reach them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from datacapt.toolkit import FAILED_STATES, Notification, Study, db, study_query
from plugins.epro import occurrences
from plugins.epro.models import EproMessage, Occurrence, OccurrenceStatus, Questionnaire


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count().filter(condition)


def compliance(study: Study) -> dict[str, Any]:
    visible = occurrences.visible(
        sa.select(Occurrence.id, Occurrence.questionnaire_id), study
    ).subquery()
    completed = Occurrence.status == OccurrenceStatus.COMPLETED
    counts = {
        row.questionnaire_id: row
        for row in db.session.execute(
            sa.select(
                Occurrence.questionnaire_id,
                _count(completed & (Occurrence.completed_at <= Occurrence.due_at)).label("on_time"),
                _count(completed & (Occurrence.completed_at > Occurrence.due_at)).label("late"),
                _count(Occurrence.status == OccurrenceStatus.EXPIRED).label("missed"),
                _count(
                    Occurrence.status.in_((OccurrenceStatus.SENT, OccurrenceStatus.STARTED))
                ).label("open"),
                _count(Occurrence.status == OccurrenceStatus.SCHEDULED).label("upcoming"),
                _count(Occurrence.status == OccurrenceStatus.CANCELLED).label("cancelled"),
            )
            .join(visible, visible.c.id == Occurrence.id)
            .group_by(Occurrence.questionnaire_id)
        )
    }
    failed: dict[int, int] = dict(
        db.session.execute(
            sa.select(visible.c.questionnaire_id, sa.func.count())
            .join(EproMessage, EproMessage.occurrence_id == visible.c.id)
            .join(Notification, Notification.id == EproMessage.notification_id)
            .where(Notification.state.in_(FAILED_STATES))
            .group_by(visible.c.questionnaire_id)
        ).all()
    )
    questionnaires = db.session.execute(
        study_query(Questionnaire, study).order_by(Questionnaire.code)
    ).scalars()
    rows = []
    for questionnaire in questionnaires:
        row = counts.get(questionnaire.id)
        figures = {
            name: getattr(row, name, 0) or 0
            for name in ("on_time", "late", "missed", "open", "upcoming", "cancelled")
        }
        ended = figures["on_time"] + figures["late"] + figures["missed"]
        rows.append(
            {
                "questionnaire": questionnaire.uuid,
                "code": questionnaire.code,
                "title": questionnaire.title,
                **figures,
                "failed_deliveries": failed.get(questionnaire.id, 0),
                "compliance": round((figures["on_time"] + figures["late"]) / ended, 4)
                if ended
                else None,
            }
        )
    return {"questionnaires": rows}


def messages(study: Study, status: str | None, channel: str | None) -> sa.Select:
    """The study's delivery log, newest first (a failure is never out of sight)."""
    statement = occurrences.visible(
        sa.select(EproMessage)
        .join(Occurrence, Occurrence.id == EproMessage.occurrence_id)
        .join(Notification, Notification.id == EproMessage.notification_id)
        .options(
            contains_eager(EproMessage.notification),
            contains_eager(EproMessage.occurrence).options(
                contains_eager(Occurrence.participation), joinedload(Occurrence.questionnaire)
            ),
        )
        .order_by(EproMessage.id.desc()),
        study,
    )
    if status:
        statement = statement.where(Notification.state == status)
    if channel:
        statement = statement.where(Notification.channel == channel)
    return statement
