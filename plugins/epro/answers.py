"""A questionnaire filled in: the view of an occurrence with its questions and answers,
and saving answers through the form engine (the subject's entries, or a staff correction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    FormState,
    Message,
    Question,
    Study,
    asks_for_answer,
    block_questions,
    clean_answers,
    current_reason,
    db,
    evaluate_form,
    filled_blocks,
    in_reading_language,
    is_answered,
    reason_required,
)
from plugins.epro.models import EproAnswer, Occurrence, OccurrenceStatus
from plugins.epro.occurrences import not_open


def questions(occurrence: Occurrence) -> list[Question]:
    return block_questions(occurrence.questionnaire.blocks)


def current_answers(occurrence: Occurrence) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(EproAnswer.code, EproAnswer.value).where(
            EproAnswer.occurrence_id == occurrence.id
        )
    )
    return dict(rows.all())


def state_of(occurrence: Occurrence) -> FormState:
    return evaluate_form(questions(occurrence), current_answers(occurrence))


def view(
    occurrence: Occurrence, state: FormState, person_language: str | None = None
) -> dict[str, Any]:
    """The occurrence as its form: every block with, for questions, visibility and value;
    its texts in the reader's language (``person_language``: the subject's)."""
    study = db.session.get_one(Study, occurrence.study_id)
    return {
        "occurrence": occurrence.uuid,
        "questionnaire": occurrence.questionnaire.uuid,
        "questionnaire_code": occurrence.questionnaire.code,
        "questionnaire_title": in_reading_language(
            study, occurrence.questionnaire.title, person_language
        ),
        "status": occurrence.status,
        "opens_at": occurrence.opens_at,
        "due_at": occurrence.due_at,
        "closes_at": occurrence.closes_at,
        "completed_at": occurrence.completed_at,
        "blocks": in_reading_language(
            study, filled_blocks(occurrence.questionnaire.blocks, state), person_language
        ),
        "progress": {"required": state.required, "answered": state.required_answered},
    }


def save(occurrence: Occurrence, given: Mapping[str, Any]) -> FormState:
    """Check each answer against its question, re-evaluate the form (hidden answers are
    cleared, calculations redone) and write what changed; the caller commits."""
    by_code = {question.code: question for question in questions(occurrence)}
    cleaned = clean_answers(by_code, given, Message("Not a question of this questionnaire."))
    rows = {
        row.code: row
        for row in db.session.execute(
            sa.select(EproAnswer).where(EproAnswer.occurrence_id == occurrence.id)
        ).scalars()
    }
    before = {code: row.value for code, row in rows.items()}
    state = evaluate_form(list(by_code.values()), {**before, **cleaned})
    for code, value in state.answers.items():
        if value == before.get(code):
            continue
        if code in rows:
            rows[code].value = value
        else:
            db.session.add(EproAnswer(occurrence_id=occurrence.id, code=code, value=value))
    return state


def missing_required(occurrence: Occurrence, state: FormState) -> list[str]:
    """The visible required questions still unanswered."""
    return [
        question.code
        for question in questions(occurrence)
        if asks_for_answer(question, state) and not is_answered(state.answers.get(question.code))
    ]


def correct(occurrence: Occurrence, given: Mapping[str, Any]) -> dict[str, Any]:
    """A staff correction of submitted answers: documented by its reason (the
    Reason-For-Change header), audited under the staff member's name."""
    if occurrence.status != OccurrenceStatus.COMPLETED:
        raise not_open(occurrence, Message("Only a submitted questionnaire can be corrected."))
    if current_reason() is None:
        raise reason_required({EproAnswer.__tablename__})
    result = view(occurrence, save(occurrence, given))
    db.session.flush()
    return result
