"""Randomizing an included subject, and voiding a mistaken assignment.

A randomization reads the subject's factor levels from their center and eCRF answers, then
takes the next slot of their stratum (the stratum's row locked, so two requests never take
one slot) or, for minimization, draws under the list's lock (every assignment counts).
Assignments are final: a mistaken one is voided with a reason, its slot stays taken, and
the subject may then be randomized again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    acting_user,
    conflict,
    current_reason,
    db,
    get_in_study,
    reason_required,
    study_query,
    utcnow,
)
from plugins.randomizations import lists, services, signals, strata
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.messages import LOW_SLOTS, tell_roles
from plugins.randomizations.methods.minimization import Balance, Rule, choose
from plugins.randomizations.methods.stream import SeededStream
from plugins.randomizations.models import (
    Assignment,
    Design,
    DesignVersion,
    Environment,
    KeyEntry,
    Method,
    RandomizationList,
)
from plugins.randomizations.settings import randomization_settings
from plugins.subjects.api import SubjectInStudy, SubjectStatus


def standing(design: Design, environment: str, participation: SubjectInStudy) -> Assignment | None:
    """The subject's assignment in the design and environment that is not voided."""
    return db.session.execute(
        sa.select(Assignment).where(
            Assignment.design_id == design.id,
            Assignment.environment == environment,
            Assignment.subject_in_study_id == participation.id,
            Assignment.voided_at.is_(None),
        )
    ).scalar_one_or_none()


def _lock_subject(participation: SubjectInStudy) -> None:
    """One randomization of a subject at a time: the second sees the first's assignment."""
    db.session.execute(
        sa.select(SubjectInStudy.id).where(SubjectInStudy.id == participation.id).with_for_update()
    )


def _key_arm(rlist: RandomizationList, code: str | None) -> str:
    arm = db.session.execute(
        sa.select(KeyEntry.arm).where(KeyEntry.list_id == rlist.id, KeyEntry.treatment_code == code)
    ).scalar_one_or_none()
    if arm is None:  # approval checks every code has its arm: a list changed by hand
        raise conflict(
            RandomizationCodes.DESIGN_NOT_READY,
            Message("The list's key has no arm for this slot's treatment code."),
            missing=[f"{rlist.environment}_key"],
        )
    return arm


def _from_list(
    design: Design,
    version: DesignVersion,
    rlist: RandomizationList,
    levels: dict[str, str],
) -> dict[str, Any]:
    """The next slot of the subject's stratum."""
    key = strata.stratum_key(version.config["factors"], levels)
    stratum = lists.locked_stratum(rlist, key, levels)
    slot = lists.take_slot(design, version, rlist, stratum)
    arm = slot.arm if design.method != Method.DOUBLE_BLIND else _key_arm(rlist, slot.treatment_code)
    remaining = lists.capacity(design, version, rlist, stratum) - stratum.used
    if rlist.environment == Environment.PRODUCTION:
        _warn_if_low(design, version, stratum.key, remaining)
    return {
        "slot_id": slot.id,
        "number": slot.sequence,
        "arm": arm,
        "treatment_code": slot.treatment_code,
    }


def _warn_if_low(design: Design, version: DesignVersion, stratum: str, remaining: int) -> None:
    """Tell the study's chosen roles once when the stratum reaches its warning threshold,
    and once when it runs out."""
    if remaining not in (0, version.config.get("warning_threshold", 0)):
        return
    study = db.session.get_one(Study, design.study_id)
    tell_roles(
        study,
        randomization_settings(study)["low_slots_notify_roles"],
        LOW_SLOTS,
        {"design": design.code, "stratum": stratum or "-", "remaining": remaining},
    )


def replay_balance(rule: Rule, earlier: list[Assignment], at: Any) -> Balance:
    """The balance a minimization saw: the earlier assignments not voided before ``at``."""
    balance = Balance(rule)
    for assignment in earlier:
        if assignment.voided_at is None or assignment.voided_at > at:
            balance.add(assignment.levels, assignment.arm)
    return balance


def minimization_draws(rlist: RandomizationList) -> list[Assignment]:
    """The list's assignments in the order of their draws."""
    return list(
        db.session.execute(
            sa.select(Assignment)
            .where(Assignment.list_id == rlist.id)
            .order_by(Assignment.sequence)
        ).scalars()
    )


def _minimized(
    version: DesignVersion, rlist: RandomizationList, levels: dict[str, str]
) -> dict[str, Any]:
    """The arm Pocock-Simon minimization draws for the next subject, from the list's seed."""
    assert rlist.seed is not None  # minimization lists have one
    lists.lock_list(rlist)
    earlier = minimization_draws(rlist)
    rule = Rule.of(version.config)
    sequence = len(earlier) + 1
    choice = choose(
        rule,
        replay_balance(rule, earlier, utcnow()),
        levels,
        SeededStream(rlist.seed, f"assignment:{sequence}"),
    )
    return {
        "sequence": sequence,
        "number": f"{sequence:04d}",
        "arm": choice.arm,
        "details": choice.details(),
    }


def randomize(
    study: Study, participation: SubjectInStudy, design: Design, environment: str
) -> Assignment:
    """Assign the subject an arm of ``design`` in ``environment``."""
    _lock_subject(participation)
    if participation.status != SubjectStatus.INCLUDED:
        raise conflict(
            RandomizationCodes.SUBJECT_NOT_INCLUDED,
            Message(
                "Only an included subject is randomized; this one is {status}.",
                status=participation.status,
            ),
            status=participation.status,
        )
    version = services.randomizing_version(design, environment)
    already = standing(design, environment, participation)
    if already is not None:
        raise conflict(
            RandomizationCodes.SUBJECT_ALREADY_RANDOMIZED,
            Message(
                "The subject was randomized already, under number {number}.", number=already.number
            ),
            assignment=str(already.uuid),
            number=already.number,
        )
    levels, answers = strata.subject_levels(study, participation, version.config)
    rlist = lists.current_list(design, environment)
    assert rlist is not None  # made when the version was approved or went live
    drawn = (
        _minimized(version, rlist, levels)
        if design.method == Method.MINIMIZATION
        else _from_list(design, version, rlist, levels)
    )
    number = lists.assignment_number(environment, drawn.pop("number"))
    assignment = Assignment(
        study_id=study.id,
        design_id=design.id,
        version_id=version.id,
        list_id=rlist.id,
        environment=environment,
        subject_in_study_id=participation.id,
        number=number,
        levels=levels,
        answers=answers,
        **drawn,
    )
    db.session.add(assignment)
    db.session.flush()
    signals.send(signals.subject_randomized, assignment, study)
    return assignment


def list_assignments(study: Study, filters: dict[str, Any]) -> sa.Select:
    """The study's assignments at the centers the caller sees, newest first."""
    statement = study_query(Assignment, study).order_by(Assignment.id.desc())
    if filters.get("design") is not None:
        statement = statement.join(Design, Design.id == Assignment.design_id).where(
            Design.uuid == filters["design"]
        )
    if filters.get("environment") is not None:
        statement = statement.where(Assignment.environment == filters["environment"])
    if filters.get("subject") is not None:
        statement = statement.join(
            SubjectInStudy, SubjectInStudy.id == Assignment.subject_in_study_id
        ).where(SubjectInStudy.uuid == filters["subject"])
    return statement


def get_assignment(study: Study, assignment_uuid: Any) -> Assignment:
    return get_in_study(Assignment, assignment_uuid, Message("No such assignment."), study=study)


def void(study: Study, assignment: Assignment) -> Assignment:
    """Declare the assignment mistaken, with the request's reason: it stays, voided, and
    its slot stays taken; the subject may be randomized again."""
    reason = current_reason()
    if not reason:
        raise reason_required([Assignment.__tablename__])
    db.session.execute(
        sa.select(Assignment.id).where(Assignment.id == assignment.id).with_for_update()
    )
    db.session.refresh(assignment)
    if assignment.voided_at is not None:
        raise conflict(
            RandomizationCodes.ASSIGNMENT_VOIDED, Message("This assignment was voided already.")
        )
    assignment.voided_at = utcnow()
    assignment.voided_by_id = acting_user().id
    assignment.void_reason = reason
    db.session.flush()
    signals.send(signals.assignment_voided, assignment, study)
    return assignment
