"""When a subject's visit counts as done: its eCRF section complete (every question it
asks for answered, and at least one), or, where the study's ``visit_done`` setting says
``confirmed``, also confirmed by a person. Services flush, the request commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    acting_user,
    conflict,
    db,
    evaluate_form,
    reason_for_change,
    utcnow,
)
from plugins.ecrf.api import AnswerChange, Section, compiled_form, lock_subjects, subject_answers
from plugins.payments.errors import PaymentCodes
from plugins.payments.orders.events import settle_visits
from plugins.payments.plans.services import current_versions
from plugins.payments.settings import VisitDone, visit_done
from plugins.payments.visits.models import VisitConfirmation
from plugins.subjects.api import SubjectInStudy

INCOMPLETE = "The visit's section is no longer complete"


def complete_sections(study: Study, answers: Mapping[str, Any]) -> set[str]:
    """The uuids (as text) of the sections complete with these answers of a subject."""
    form = compiled_form(study)
    state = evaluate_form(form.questions, dict(answers))
    complete = set()
    for section_uuid in form.section_codes:
        required, answered = form.completion(state, section_uuid)
        if required and answered == required:
            complete.add(str(section_uuid))
    return complete


def _confirmations(participation: SubjectInStudy) -> list[tuple[VisitConfirmation, str]]:
    return [
        (confirmation, str(section_uuid))
        for confirmation, section_uuid in db.session.execute(
            sa.select(VisitConfirmation, Section.uuid)
            .join(Section, Section.id == VisitConfirmation.section_id)
            .where(VisitConfirmation.subject_in_study_id == participation.id)
        ).all()
    ]


def done_visits(
    study: Study, participation: SubjectInStudy, answers: Mapping[str, Any] | None = None
) -> set[str]:
    """The sections (uuids as text) that count as done visits for the subject now, from
    their ``answers`` as stored (read if not given; a save's receivers run before the
    eCRF recounts its own progress); where visits are confirmed, a confirmation whose
    section is no longer complete is lost (deleted, audited with the cause)."""
    if answers is None:
        answers = subject_answers(study, participation)
    complete = complete_sections(study, answers)
    if visit_done(study) == VisitDone.COMPLETE:
        return complete
    done = set()
    for confirmation, section in _confirmations(participation):
        if section in complete:
            done.add(section)
        else:
            with reason_for_change(INCOMPLETE):  # read by the audit when it flushes
                db.session.delete(confirmation)
                db.session.flush()
    return done


def settle_after_save(
    study: Study, participation: SubjectInStudy, changes: Mapping[str, AnswerChange]
) -> None:
    """A save's effect on what is paid: the visits it completed are paid (where complete
    visits are; elsewhere a confirmation does it), those no longer done are undone."""
    versions = current_versions(study)
    confirmed = visit_done(study) == VisitDone.CONFIRMED
    if not versions and not confirmed:
        return  # no approved plan: nothing to place, nothing placed to undo
    answers = subject_answers(study, participation)
    done = done_visits(study, participation, answers)
    completed: set[str] = set()
    if not confirmed:
        before = {**answers, **{code: change.before for code, change in changes.items()}}
        completed = done - complete_sections(study, before)
    settle_visits(study, participation, done, completed, versions)


def _section_id(study: Study, section_uuid: Any) -> int:
    form = compiled_form(study)
    form.section(section_uuid)  # 404 for no section of the study's eCRF
    return form.section_ids[section_uuid]


def _confirmed_visits_only(study: Study) -> None:
    if visit_done(study) != VisitDone.CONFIRMED:
        raise conflict(
            PaymentCodes.VISITS_NOT_CONFIRMED_IN_STUDY,
            Message("The study pays for a visit once its section is complete: none is confirmed."),
        )


def confirm_visit(
    study: Study, participation: SubjectInStudy, section_uuid: Any
) -> VisitConfirmation:
    """The subject's visit confirmed as done (its section must be complete): its orders
    are placed."""
    _confirmed_visits_only(study)
    section_id = _section_id(study, section_uuid)
    lock_subjects([participation.id])
    if str(section_uuid) not in complete_sections(study, subject_answers(study, participation)):
        raise conflict(
            PaymentCodes.VISIT_NOT_DONE,
            Message("The visit's section is not complete: it cannot be confirmed."),
        )
    if _confirmation(participation, section_id) is not None:
        raise conflict(
            PaymentCodes.VISIT_ALREADY_CONFIRMED, Message("The visit is confirmed already.")
        )
    confirmation = VisitConfirmation(
        study_id=study.id,
        subject_in_study_id=participation.id,
        section_id=section_id,
        confirmed_by_id=acting_user().id,
        confirmed_at=utcnow(),
    )
    db.session.add(confirmation)
    db.session.flush()
    done = done_visits(study, participation)
    settle_visits(study, participation, done, {str(section_uuid)}, current_versions(study))
    return confirmation


def take_back_confirmation(study: Study, participation: SubjectInStudy, section_uuid: Any) -> None:
    """The visit no longer confirmed (a Reason-For-Change is required): its orders are
    undone."""
    _confirmed_visits_only(study)
    section_id = _section_id(study, section_uuid)
    lock_subjects([participation.id])
    confirmation = _confirmation(participation, section_id)
    if confirmation is None:
        raise conflict(PaymentCodes.VISIT_NOT_CONFIRMED, Message("The visit is not confirmed."))
    db.session.delete(confirmation)
    db.session.flush()
    done = done_visits(study, participation)
    settle_visits(study, participation, done, set(), current_versions(study))


def _confirmation(participation: SubjectInStudy, section_id: int) -> VisitConfirmation | None:
    return db.session.execute(
        sa.select(VisitConfirmation).where(
            VisitConfirmation.subject_in_study_id == participation.id,
            VisitConfirmation.section_id == section_id,
        )
    ).scalar_one_or_none()
