"""Whether a subject's data meets a trigger now: what a dry run reads instead of an
event (each event is also one of these moments: a section starting, being completed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, evaluate_form, is_answered, plugin_enabled, utcnow
from plugins.automations.rules.definition import PROBE, condition_probe
from plugins.ecrf.api import DataQuery, QueryStatus, compiled_form, subject_answers
from plugins.epro.api import OccurrenceStatus, subject_occurrences
from plugins.subjects.api import SubjectInStudy, SubjectStatus

#: A query waiting for someone (a draft is not open yet).
OPEN_QUERY = (QueryStatus.OPEN, QueryStatus.ANSWERED)


def condition_holds(study: Study, condition: Any, answers: Mapping[str, Any]) -> bool:
    """The form engine's reading of the condition on the subject's answers."""
    questions = [*compiled_form(study).questions, condition_probe(condition)]
    return PROBE in evaluate_form(questions, answers).visible


def started_sections(study: Study, answers: Mapping[str, Any]) -> set[str]:
    """The sections (uuids as text) with at least one answer: visits done."""
    form = compiled_form(study)
    return {
        str(section)
        for section, codes in form.section_codes.items()
        if any(is_answered(answers.get(code)) for code in codes)
    }


def complete_sections(study: Study, answers: Mapping[str, Any]) -> set[str]:
    """The sections (uuids as text) whose required questions are all answered."""
    form = compiled_form(study)
    state = evaluate_form(form.questions, dict(answers))
    complete = set()
    for section in form.section_codes:
        required, answered = form.completion(state, section)
        if required and answered == required:
            complete.add(str(section))
    return complete


def _in(sections: set[str], wanted: str | None) -> bool:
    return bool(sections) if wanted is None else wanted in sections


def _missed(trigger: Mapping[str, Any], participation: SubjectInStudy) -> bool:
    return plugin_enabled("epro") and any(
        o.status == OccurrenceStatus.EXPIRED
        and trigger.get("questionnaire") in (None, o.questionnaire.code)
        for o in subject_occurrences(participation)
    )


def _query_open(days: int, participation: SubjectInStudy) -> bool:
    since = utcnow() - dt.timedelta(days=days)
    return (
        db.session.execute(
            sa.select(DataQuery.id).where(
                DataQuery.subject_in_study_id == participation.id,
                DataQuery.status.in_(OPEN_QUERY),
                DataQuery.opened_at <= since,
            )
        ).first()
        is not None
    )


def holds(study: Study, trigger: Mapping[str, Any], participation: SubjectInStudy) -> bool:
    kind = trigger["kind"]
    if kind == "subject_included":
        return participation.status == SubjectStatus.INCLUDED
    if kind == "questionnaire_missed":
        return _missed(trigger, participation)
    if kind == "query_open":
        return _query_open(trigger["days"], participation)
    answers = subject_answers(study, participation)
    if kind == "visit_done":
        return _in(started_sections(study, answers), trigger.get("section"))
    if kind == "section_completed":
        return _in(complete_sections(study, answers), trigger.get("section"))
    return condition_holds(study, trigger["condition"], answers)
