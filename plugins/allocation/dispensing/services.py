"""Dispensing kits to randomized subjects at their visits, correcting a dispensing (each
correction with its reason) and recording what a subject brought back.

A dispensing locks the subject's row first (as every writer of a subject's data does), so
two dispensings of one subject go one after the other and a visit never gets more kits
than configured; the kit is the lowest available sequence of the kit type at the
subject's center, its row taken with ``FOR UPDATE SKIP LOCKED``, so two dispensings at one
center at the same moment never take one kit and never wait for each other."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    BlindedValue,
    DatacaptException,
    Message,
    Study,
    StudyCenter,
    acting_user,
    conflict,
    current_reason,
    db,
    get_in_study,
    invalid,
    may_see,
    reason_required,
    utcnow,
)
from plugins.allocation.configuration.models import AllocationRule
from plugins.allocation.configuration.services import rules_of
from plugins.allocation.dispensing.models import Dispensing, DispensingStatus
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import Inventory, Kit, KitStatus, KitType
from plugins.allocation.kits.production import production_start
from plugins.allocation.kits.services import locked, stock_changed
from plugins.allocation.kits.stock import dispensable
from plugins.ecrf.api import Section, lock_subjects
from plugins.randomizations.api import ARM, Assignment
from plugins.subjects.api import SubjectInStudy, refuse_if_ended


def standing_assignments(participation: SubjectInStudy, environment: str) -> list[Assignment]:
    """The subject's assignments in ``environment`` that are not voided (one per design)."""
    return list(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.subject_in_study_id == participation.id,
                Assignment.environment == environment,
                Assignment.voided_at.is_(None),
            )
        )
    )


def _rules(
    participation: SubjectInStudy, section: Section, environment: str
) -> list[tuple[Assignment, AllocationRule]]:
    """The configured kit type of each of the subject's arms at the visit."""
    assignments = standing_assignments(participation, environment)
    if not assignments:
        raise conflict(
            AllocationCodes.SUBJECT_NOT_RANDOMIZED,
            Message(
                "The subject is not randomized in the {environment} environment.",
                environment=environment,
            ),
        )
    by_design = {a.design_id: a for a in assignments}
    rules = [
        (by_design[rule.design_id], rule)
        for rule in rules_of(sorted(by_design), section.id)
        if rule.arm == by_design[rule.design_id].arm
    ]
    if not rules:
        raise conflict(
            AllocationCodes.NO_ALLOCATION_RULE,
            Message("The allocation configuration gives the subject's arm no kit at this visit."),
        )
    return rules


def _inventory(study: Study, environment: str) -> str:
    inventory = Inventory.of(environment)
    if inventory == Inventory.PRODUCTION and production_start(study) is None:
        raise conflict(
            AllocationCodes.PRODUCTION_NOT_LIVE,
            Message(
                "The production inventory is not in use yet: it goes live once its kits are"
                " checked (kits go-live)."
            ),
        )
    return inventory


def _lowest_kit(study: Study, kit_type_id: int, center_id: int, inventory: str) -> Kit | None:
    """The lowest sequence that may be given, its row locked; rows other dispensings hold
    are skipped (they are being given)."""
    return db.session.execute(
        sa.select(Kit)
        .where(
            dispensable(study, inventory),
            Kit.kit_type_id == kit_type_id,
            Kit.center_id == center_id,
        )
        .order_by(Kit.sequence)
        .limit(1)
        .with_for_update(skip_locked=True, of=Kit)
    ).scalar_one_or_none()


def _no_kits(kit_type_id: int, center_id: int) -> DatacaptException:
    center = db.session.get_one(StudyCenter, center_id)
    kit_type = db.session.get_one(KitType, kit_type_id)
    return conflict(
        AllocationCodes.NO_KITS_AVAILABLE,
        Message(
            "No kit available at center {center} (kit type {kit_type}): ask for a shipment.",
            center=center.code,
            kit_type=BlindedValue(ARM, kit_type.code),
        ),
        center=center.code,
        kit_type=BlindedValue(ARM, kit_type.code),
    )


def _give(
    study: Study,
    participation: SubjectInStudy,
    assignment: Assignment,
    section_id: int,
    kit_type_id: int,
    inventory: str,
    replaces: Dispensing | None = None,
) -> Dispensing:
    kit = _lowest_kit(study, kit_type_id, participation.center_id, inventory)
    if kit is None:
        raise _no_kits(kit_type_id, participation.center_id)
    kit.status = KitStatus.DISPENSED
    dispensing = Dispensing(
        study_id=study.id,
        subject_in_study_id=participation.id,
        assignment_id=assignment.id,
        section_id=section_id,
        inventory=inventory,
        kit_id=kit.id,
        kit_type_id=kit_type_id,
        dispensed_by_id=acting_user().id,
        dispensed_at=utcnow(),
        replaces_id=replaces.id if replaces is not None else None,
    )
    db.session.add(dispensing)
    return dispensing


def _current(participation: SubjectInStudy, section_id: int, inventory: str) -> list[Dispensing]:
    return list(
        db.session.scalars(
            sa.select(Dispensing).where(
                Dispensing.subject_in_study_id == participation.id,
                Dispensing.section_id == section_id,
                Dispensing.inventory == inventory,
                Dispensing.status == DispensingStatus.DISPENSED,
            )
        )
    )


def dispense(
    study: Study, participation: SubjectInStudy, section: Section, environment: str
) -> list[Dispensing]:
    """The kits the subject's arm takes at the visit that it does not have yet."""
    lock_subjects([participation.id])
    refuse_if_ended(participation)
    inventory = _inventory(study, environment)
    rules = _rules(participation, section, environment)
    given = _current(participation, section.id, inventory)
    dispensings = []
    for assignment, rule in rules:
        # Whatever kit type the visit's kits are of (the rule may have changed since).
        held = sum(1 for d in given if d.assignment_id == assignment.id)
        for _ in range(rule.kits - held):
            dispensings.append(
                _give(study, participation, assignment, section.id, rule.kit_type_id, inventory)
            )
    if not dispensings:
        raise conflict(
            AllocationCodes.VISIT_FULLY_DISPENSED,
            Message("The subject has every kit of this visit already."),
        )
    db.session.flush()
    stock_changed(study, [d.kit for d in dispensings])
    return dispensings


def _in_stock(study: Study, inventory: str, center_id: int, kit_type_id: int, needed: int) -> bool:
    """Whether the center has ``needed`` usable kits of the type (counted no further)."""
    enough = (
        sa.select(Kit.id)
        .where(
            dispensable(study, inventory),
            Kit.kit_type_id == kit_type_id,
            Kit.center_id == center_id,
        )
        .limit(needed)
        .subquery()
    )
    return db.session.execute(sa.select(sa.func.count()).select_from(enough)).scalar_one() >= needed


def would_dispense(
    study: Study, participation: SubjectInStudy, section: Section, environment: str
) -> dict[str, Any]:
    """Whether a dispensing at the visit would succeed now, and if not the error code it
    would meet (a warning before "no kits available" happens); nothing is taken."""
    try:
        inventory = _inventory(study, environment)
        rules = _rules(participation, section, environment)
    except DatacaptException as exc:  # the refusal a dispensing would meet is the answer
        return {"kits_due": 0, "possible": False, "problem": exc.internal_code.name}
    given = _current(participation, section.id, inventory)
    due = 0
    for assignment, rule in rules:
        needed = rule.kits - sum(1 for d in given if d.assignment_id == assignment.id)
        due += max(needed, 0)
        # A blinded caller is told of every arm's kits at once: a warning for this
        # subject's arm alone would sort the subjects of a center by arm.
        checked = (
            [rule]
            if may_see(ARM)
            else [r for r in rules_of([rule.design_id], section.id) if r.arm != rule.arm] + [rule]
        )
        if needed > 0 and not all(
            _in_stock(study, inventory, participation.center_id, r.kit_type_id, needed)
            for r in checked
        ):
            return {
                "kits_due": due,
                "possible": False,
                "problem": AllocationCodes.NO_KITS_AVAILABLE.name,
            }
    if not due:
        return {
            "kits_due": 0,
            "possible": False,
            "problem": AllocationCodes.VISIT_FULLY_DISPENSED.name,
        }
    return {"kits_due": due, "possible": True, "problem": None}


def list_dispensings(
    study: Study, participation: SubjectInStudy, environment: str | None
) -> list[Dispensing]:
    statement = (
        sa.select(Dispensing)
        .where(Dispensing.study_id == study.id, Dispensing.subject_in_study_id == participation.id)
        .order_by(Dispensing.id)
    )
    if environment is not None:
        statement = statement.where(Dispensing.inventory == Inventory.of(environment))
    return list(db.session.scalars(statement))


def get_dispensing(study: Study, dispensing_uuid: Any) -> Dispensing:
    return get_in_study(Dispensing, dispensing_uuid, Message("No such dispensing."), study=study)


def _locked_current(dispensing: Dispensing) -> Dispensing:
    lock_subjects([dispensing.subject_in_study_id])
    db.session.refresh(dispensing)
    if dispensing.status != DispensingStatus.DISPENSED:
        raise conflict(
            AllocationCodes.DISPENSING_NOT_CURRENT,
            Message("This dispensing was {status} already.", status=dispensing.status),
            status=dispensing.status,
        )
    if dispensing.returned_at is not None:
        raise conflict(
            AllocationCodes.DISPENSING_NOT_CURRENT,
            Message("The subject brought this kit back already: it is not corrected any more."),
            status=dispensing.status,
        )
    return dispensing


class Correction:
    DEALLOCATE = "deallocate"  # given by mistake, never handed over: back to stock
    INVALIDATE = "invalidate"  # damaged or lost: invalid, the visit may be dispensed again
    REPLACE = "replace"  # damaged or lost: invalid, and another kit of its type given

    ALL = (DEALLOCATE, INVALIDATE, REPLACE)


def correct(study: Study, dispensing: Dispensing, action: str) -> Dispensing:
    """Correct a current dispensing with the request's reason; a replacement answers with
    the new dispensing (linked to the one it replaces)."""
    reason = current_reason()
    if not reason:
        raise reason_required([Dispensing.__tablename__])
    _locked_current(dispensing)
    kit = locked(dispensing.kit)
    now, user = utcnow(), acting_user()
    dispensing.corrected_at, dispensing.corrected_by_id = now, user.id
    dispensing.correction_reason = reason
    answer = dispensing
    if action == Correction.DEALLOCATE:
        dispensing.transition_to(DispensingStatus.DEALLOCATED)
        kit.status = KitStatus.AVAILABLE
    else:
        kit.status, kit.invalid_reason = KitStatus.INVALID, reason
        if action == Correction.INVALIDATE:
            dispensing.transition_to(DispensingStatus.INVALIDATED)
        else:
            dispensing.transition_to(DispensingStatus.REPLACED)
            db.session.flush()  # the old one leaves the kit before the new one is given
            participation = db.session.get_one(SubjectInStudy, dispensing.subject_in_study_id)
            assignment = db.session.get_one(Assignment, dispensing.assignment_id)
            answer = _give(
                study,
                participation,
                assignment,
                dispensing.section_id,
                dispensing.kit_type_id,
                dispensing.inventory,
                replaces=dispensing,
            )
    db.session.flush()
    stock_changed(study, [kit] + ([answer.kit] if answer is not dispensing else []))
    return answer


HUNDRED = Decimal(100)


def record_return(study: Study, dispensing: Dispensing, quantity: Decimal) -> Dispensing:
    """What the subject brought back of the kit, in its kit type's unit: the compliance is
    the share of the kit's quantity taken."""
    _locked_current(dispensing)
    full = dispensing.kit_type.quantity
    if quantity > full:
        raise invalid(
            AllocationCodes.RETURN_INVALID,
            Message(
                "A kit holds {quantity} {unit}: no more comes back.",
                quantity=full,
                unit=dispensing.kit_type.unit,
            ),
            field="quantity",
        )
    kit = locked(dispensing.kit)
    dispensing.returned_quantity = quantity
    dispensing.returned_at = utcnow()
    dispensing.compliance = ((full - quantity) * HUNDRED / full).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    kit.status = KitStatus.RETURNED
    db.session.flush()
    return dispensing


def subject_view(study: Study, participation: SubjectInStudy, environment: str) -> dict[str, Any]:
    """The subject's dispensings in ``environment`` and, for each visit the configuration
    gives kits at, whether a dispensing now would succeed (or what it would meet)."""
    sections = db.session.scalars(
        sa.select(Section)
        .where(
            Section.id.in_(
                sa.select(AllocationRule.section_id).where(AllocationRule.study_id == study.id)
            )
        )
        .order_by(Section.position)
    )
    return {
        "environment": environment,
        "visits": [
            {
                "section": section.uuid,
                "title": section.title,
                **would_dispense(study, participation, section, environment),
            }
            for section in sections
        ],
        "dispensings": list_dispensings(study, participation, environment),
    }
