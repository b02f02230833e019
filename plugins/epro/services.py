"""Questionnaires of a study: their form (checked by the form engine), channels, schedule
and reminder policy. Saving one re-plans the occurrences of the study's included subjects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    block_questions,
    conflict,
    db,
    design_problems,
    document_etag,
    get_in_study,
    invalid,
    require_current,
    study_query,
    utcnow,
)
from plugins.epro import occurrences
from plugins.epro.errors import EproCodes
from plugins.epro.models import EproAnswer, Occurrence, Questionnaire


def list_questionnaires(study: Study) -> list[Questionnaire]:
    statement = study_query(Questionnaire, study).order_by(Questionnaire.code)
    return list(db.session.execute(statement).scalars())


def get_questionnaire(study: Study, questionnaire_uuid: Any) -> Questionnaire:
    return get_in_study(
        Questionnaire, questionnaire_uuid, Message("No such questionnaire."), study=study
    )


def questionnaire_etag(questionnaire: Questionnaire) -> str:
    """Its version for If-Match: every save makes a new one."""
    return document_etag("questionnaire", questionnaire.uuid, questionnaire.revision)


def _check(study: Study, data: Mapping[str, Any], current: Questionnaire | None) -> None:
    problems = design_problems(block_questions(data["blocks"]))
    if problems:
        raise invalid(
            EproCodes.EPRO_QUESTIONNAIRE_INVALID,
            Message("The questionnaire's form has problems."),
            problems=[problem.as_dict() for problem in problems],
        )
    same_code = sa.select(Questionnaire.id).where(
        Questionnaire.study_id == study.id, Questionnaire.code == data["code"]
    )
    if current is not None:
        same_code = same_code.where(Questionnaire.id != current.id)
    taken = db.session.execute(same_code).first()
    if taken:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another questionnaire of the study has this code."),
            field="code",
        )


def create_questionnaire(study: Study, data: Mapping[str, Any]) -> Questionnaire:
    """A new questionnaire; included subjects get their occurrences of it at once."""
    _check(study, data, None)
    questionnaire = Questionnaire(
        study_id=study.id, activated_at=utcnow() if data["active"] else None, **data
    )
    db.session.add(questionnaire)
    db.session.flush()
    occurrences.plan_questionnaire(questionnaire)
    db.session.flush()
    return questionnaire


def _types(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {block["code"]: block["type"] for block in blocks if block["kind"] == "question"}


def _refuse_losing_answers(questionnaire: Questionnaire, blocks: list[dict[str, Any]]) -> None:
    """A question subjects have answered keeps its code and type: the answers stay readable
    as they were given."""
    answered = db.session.execute(
        sa.select(EproAnswer.code)
        .join(Occurrence, Occurrence.id == EproAnswer.occurrence_id)
        .where(Occurrence.questionnaire_id == questionnaire.id, EproAnswer.value.is_not(None))
        .distinct()
    ).scalars()
    before, after = _types(questionnaire.blocks), _types(blocks)
    changed = sorted(code for code in answered if after.get(code) != before.get(code))
    if changed:
        raise conflict(
            EproCodes.EPRO_CHANGE_REFUSED,
            Message("Questions that subjects answered cannot be removed or change type."),
            questions=changed,
        )


def update_questionnaire(
    study: Study, questionnaire: Questionnaire, data: Mapping[str, Any]
) -> Questionnaire:
    """Change it whole, if it is still the version the caller read (If-Match);
    occurrences not sent yet follow the new schedule (an inactive questionnaire's open
    occurrences are cancelled)."""
    # Locked and read afresh: saves of one questionnaire queue up behind each other.
    db.session.refresh(questionnaire, with_for_update=True)
    require_current(questionnaire_etag(questionnaire))
    _check(study, data, questionnaire)
    _refuse_losing_answers(questionnaire, data["blocks"])
    if data["active"] and not questionnaire.active:
        questionnaire.activated_at = utcnow()
    for name, value in data.items():
        setattr(questionnaire, name, value)
    questionnaire.revision += 1
    db.session.flush()
    occurrences.plan_questionnaire(questionnaire)
    db.session.flush()
    return questionnaire


def delete_questionnaire(questionnaire: Questionnaire) -> None:
    """Delete a questionnaire that no subject answered, with its occurrences and their
    messages (every deletion is audited; what was sent stays in the study's delivery
    reports, datacapt.notifications); one with answers is kept. Its
    occurrences are locked first: a subject's save (which locks its occurrence) either
    came before the count or waits and then finds the occurrence gone."""
    planned = (
        db.session.execute(
            sa.select(Occurrence)
            .where(Occurrence.questionnaire_id == questionnaire.id)
            .options(selectinload(Occurrence.messages))
            .with_for_update(of=Occurrence)
        )
        .scalars()
        .all()
    )
    answered = db.session.execute(
        sa.select(sa.func.count())
        .select_from(EproAnswer)
        .join(Occurrence, Occurrence.id == EproAnswer.occurrence_id)
        .where(Occurrence.questionnaire_id == questionnaire.id)
    ).scalar_one()
    if answered:
        raise conflict(
            EproCodes.QUESTIONNAIRE_HAS_ANSWERS,
            Message("Subjects answered this questionnaire: it cannot be deleted."),
            answers=answered,
        )
    for occurrence in planned:
        for message in occurrence.messages:
            db.session.delete(message)
        db.session.delete(occurrence)
    db.session.flush()
    db.session.delete(questionnaire)
    db.session.flush()
