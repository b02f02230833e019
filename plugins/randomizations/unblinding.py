"""Emergency unblinding of one subject: the requester gives a reason and their password
again; where the study asks for it, a second person approves (their password too). The
arm is then revealed to the requester (and stays shown to them in that unblinding), the
study's chosen roles are told (never the arm), and the audit trail keeps every step, the
revealed arm in a blinded field."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    Message,
    Study,
    acting_user,
    confirm_password,
    conflict,
    db,
    get_in_study,
    reason_for_change,
    record_event,
    study_query,
    utcnow,
)
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.messages import UNBLINDED, UNBLINDING_REQUESTED, tell_roles
from plugins.randomizations.models import Assignment, Unblinding, UnblindingStatus
from plugins.randomizations.settings import randomization_settings


def _refused(message: Message, **details: Any) -> DatacaptException:
    return conflict(RandomizationCodes.UNBLINDING_REFUSED, message, **details)


def _notice(unblinding: Unblinding) -> dict[str, Any]:
    assignment = unblinding.assignment
    return {
        "subject": assignment.participation.study_subject_id,
        "design": assignment.design.code,
        "requester": unblinding.requester_name,
        "reason": unblinding.reason,
        "time": utcnow().strftime("%Y-%m-%d %H:%M"),
    }


def _reveal(study: Study, unblinding: Unblinding) -> None:
    unblinding.transition_to(UnblindingStatus.REVEALED)
    unblinding.revealed_at = utcnow()
    assignment = unblinding.assignment
    db.session.flush()
    # The arm enters the trail as the assignment's blinded field: unblinded readers see it.
    record_event("unblind", assignment, {"arm": [None, assignment.arm]})
    tell_roles(
        study,
        randomization_settings(study)["unblinding_notify_roles"],
        UNBLINDED,
        _notice(unblinding),
        center=assignment.participation.center,
    )


def request(study: Study, assignment: Assignment, reason: str, password: str) -> Unblinding:
    """Unblind the subject of ``assignment`` for the caller, at once or once approved."""
    user = acting_user()
    confirm_password(user, password, "emergency unblinding")
    if assignment.voided_at is not None:
        raise conflict(
            RandomizationCodes.ASSIGNMENT_VOIDED,
            Message("This assignment was voided: there is nothing to unblind."),
        )
    if not assignment.design.blinded:
        raise _refused(Message("This design is open-label: its arms are not blinded."))
    waiting = db.session.execute(
        sa.select(Unblinding.uuid).where(
            Unblinding.assignment_id == assignment.id,
            Unblinding.requested_by_id == user.id,
            Unblinding.status == UnblindingStatus.PENDING,
        )
    ).scalar_one_or_none()
    if waiting is not None:
        raise _refused(
            Message("Your earlier request for this subject waits for its approval."),
            unblinding=str(waiting),
        )
    with reason_for_change(reason):
        unblinding = Unblinding(
            study_id=study.id,
            assignment_id=assignment.id,
            requested_by_id=user.id,
            requester_name=user.display_name,
            reason=reason,
        )
        db.session.add(unblinding)
        db.session.flush()
        settings = randomization_settings(study)
        if settings["unblinding_approval"]:
            tell_roles(
                study,
                settings["unblinding_notify_roles"],
                UNBLINDING_REQUESTED,
                _notice(unblinding),
                center=assignment.participation.center,
            )
        else:
            _reveal(study, unblinding)
    return unblinding


def _pending(unblinding: Unblinding) -> None:
    db.session.execute(
        sa.select(Unblinding.id).where(Unblinding.id == unblinding.id).with_for_update()
    )
    db.session.refresh(unblinding)
    if unblinding.status != UnblindingStatus.PENDING:
        raise _refused(
            Message(
                "This unblinding is {status}: it is decided already.", status=unblinding.status
            ),
            status=unblinding.status,
        )


def approve(study: Study, unblinding: Unblinding, password: str) -> Unblinding:
    """A second person (never the requester) approves: the arm is revealed to the requester."""
    user = acting_user()
    confirm_password(user, password, "emergency unblinding approval")
    _pending(unblinding)
    if unblinding.requested_by_id == user.id:
        raise _refused(Message("A second person approves an unblinding, not its requester."))
    with reason_for_change(unblinding.reason):
        unblinding.decided_by_id = user.id
        unblinding.decider_name = user.display_name
        unblinding.decided_at = utcnow()
        _reveal(study, unblinding)
    return unblinding


def refuse(study: Study, unblinding: Unblinding, reason: str) -> Unblinding:
    _pending(unblinding)
    with reason_for_change(reason):
        unblinding.transition_to(UnblindingStatus.REFUSED)
        user = acting_user()
        unblinding.decided_by_id = user.id
        unblinding.decider_name = user.display_name
        unblinding.decided_at = utcnow()
        unblinding.decision_reason = reason
        db.session.flush()
    return unblinding


def list_unblindings(study: Study) -> sa.Select:
    return study_query(Unblinding, study).order_by(Unblinding.id.desc())


def get_unblinding(study: Study, unblinding_uuid: Any) -> Unblinding:
    return get_in_study(Unblinding, unblinding_uuid, Message("No such unblinding."), study=study)
