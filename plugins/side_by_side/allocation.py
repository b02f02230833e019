"""Each randomized subject's products on zones, made from the sequence (arm) the
randomization module drew for them; the zones a subject's assessed sections are filled
for; and the enforced order of measurements on a zone."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    conflict,
    current_reason,
    db,
    is_answered,
    record_event,
    transaction_cached,
)
from plugins.ecrf.api import PLAIN, Answer, AnswerChange, answered, compiled_form, open_instances
from plugins.randomizations.api import Assignment, Environment, sequence_of
from plugins.side_by_side.errors import SideBySideCodes
from plugins.side_by_side.models import Allocation, Assessment, SplitDesign, Zone
from plugins.subjects.api import SubjectInStudy


def _design_of(assignment: Assignment) -> SplitDesign | None:
    return db.session.execute(
        sa.select(SplitDesign).where(SplitDesign.randomization_design_id == assignment.design_id)
    ).scalar_one_or_none()


def on_subject_randomized(
    assignment: Assignment, *, study: Study, participation: SubjectInStudy, arm: str, **_: Any
) -> None:
    """The subject's products on the design's zones, in the order of the sequence drawn
    (the randomization module's ``subject_randomized``); the control zone untreated."""
    design = _design_of(assignment)
    if design is None:
        return
    _drop_voided(study, design, participation, assignment.environment)
    products = {product.position: product.study_product_id for product in design.products}
    sequence = _sequence(arm, sorted(products), len(design.zones))
    placed: list[tuple[Zone, int | None]] = [
        (slot.zone, products[sequence[slot.position]]) for slot in design.zones
    ]
    if design.control_zone is not None:
        placed.append((design.control_zone, None))
    for zone, product_id in placed:
        db.session.add(
            Allocation(
                study_id=study.id,
                design_id=design.id,
                assignment_id=assignment.id,
                environment=assignment.environment,
                subject_in_study_id=participation.id,
                zone_id=zone.id,
                study_product_id=product_id,
            )
        )
    db.session.flush()
    if assignment.environment == Environment.PRODUCTION:
        codes = [zone.code for zone, _ in placed]
        for assessment in _assessments_of(design.id):
            open_instances(study, participation, assessment.section_uuid, codes)


def _sequence(arm: str, positions: list[int], zones: int) -> tuple[int, ...]:
    """The product positions the arm puts on the zones, each product once; else 409 (a
    version of the randomization design edited by hand could draw any arm)."""
    try:
        sequence = sequence_of(arm)
    except ValueError:
        sequence = ()
    if len(sequence) != zones or sorted(sequence) != positions:
        raise conflict(
            SideBySideCodes.SEQUENCE_NOT_OF_DESIGN,
            Message("The arm drawn is not a sequence of the design's products over its zones."),
            arm=arm,
        )
    return sequence


def _drop_voided(
    study: Study, design: SplitDesign, participation: SubjectInStudy, environment: str
) -> None:
    """Before a new allocation: the subject's allocations of voided assignments in the
    design go (audited) if nothing was recorded on their zones; else the randomization is
    refused (409), as the answers belong to the products then applied and must not move
    to the new ones."""
    voided = list(
        db.session.execute(
            sa.select(Allocation)
            .join(Assignment, Assignment.id == Allocation.assignment_id)
            .where(
                Allocation.design_id == design.id,
                Allocation.subject_in_study_id == participation.id,
                Allocation.environment == environment,
                Assignment.voided_at.is_not(None),
            )
        ).scalars()
    )
    if not voided:
        return
    form = compiled_form(study)
    codes = [
        code
        for assessment in _assessments_of(design.id)
        for code in form.section_codes.get(assessment.section_uuid, [])
    ]
    recorded = db.session.execute(
        sa.select(Answer.instance)
        .where(
            Answer.subject_in_study_id == participation.id,
            Answer.instance.in_({allocation.zone.code for allocation in voided}),
            Answer.code.in_(codes),
            Answer.value.is_not(None),
        )
        .limit(1)
    ).scalar_one_or_none()
    if recorded is not None:
        raise conflict(
            SideBySideCodes.ZONES_RECORDED_UNDER_VOIDED,
            Message(
                "Zone {zone} of this subject holds measurements recorded under a voided"
                " allocation: they stay with the products then applied, so the subject is not"
                " allocated again in this design.",
                zone=recorded,
            ),
            zone=recorded,
        )
    for allocation in voided:
        db.session.delete(allocation)
    db.session.flush()


def _assessments_of(design_id: int) -> list[Assessment]:
    return list(
        db.session.execute(sa.select(Assessment).where(Assessment.design_id == design_id)).scalars()
    )


def _assessment(study: Study, section_uuid: Any) -> Assessment | None:
    """The study's assessment of a section (read once per transaction)."""
    by_section = transaction_cached(
        ("side_by_side_assessments", study.id),
        lambda: {
            assessment.section_uuid: assessment
            for assessment in db.session.execute(
                sa.select(Assessment).where(Assessment.study_id == study.id)
            ).scalars()
        },
    )
    return by_section.get(section_uuid)


def allocations(
    participation: SubjectInStudy, environment: str = Environment.PRODUCTION
) -> list[Allocation]:
    """The subject's current allocations in ``environment`` (none of a voided assignment):
    treated zones in design order, then the control zone."""
    rows = db.session.execute(
        sa.select(Allocation)
        .join(Zone, Zone.id == Allocation.zone_id)
        .join(Assignment, Assignment.id == Allocation.assignment_id)
        .where(
            Allocation.subject_in_study_id == participation.id,
            Allocation.environment == environment,
            Assignment.voided_at.is_(None),
        )
        .order_by(Allocation.design_id, Allocation.study_product_id.is_(None), Zone.code)
    ).scalars()
    return list(rows)


def section_zones(
    participation: SubjectInStudy, *, study: Study, section: Any, **_: Any
) -> list[str] | None:
    """The zones the subject fills an assessed section for (the eCRF's
    ``section_instances``): those of their production allocation in its design."""
    assessment = _assessment(study, section)
    if assessment is None:
        return None
    return [
        allocation.zone.code
        for allocation in allocations(participation)
        if allocation.design_id == assessment.design_id
    ]


def _answered(participation: SubjectInStudy, instance: str, codes: list[str]) -> set[str]:
    return set(
        db.session.execute(
            sa.select(Answer.code).where(
                Answer.subject_in_study_id == participation.id,
                Answer.instance == instance,
                Answer.code.in_(codes),
                answered(Answer.value),
            )
        ).scalars()
    )


def check_order(
    participation: SubjectInStudy,
    *,
    study: Study,
    changes: Mapping[str, AnswerChange],
    sections: Collection[Any],
    instance: str = PLAIN,
    **_: Any,
) -> None:
    """Before a zone's save (the eCRF's ``answers_changing``): a measurement is not saved
    before the earlier ones of the order on the same zone (409), unless the save gives a
    reason for change, which overrides the order and is audited."""
    if instance == PLAIN:
        return
    for section in sections:
        assessment = _assessment(study, section)
        if assessment is None or not assessment.enforce_order:
            continue
        order = assessment.order
        done = _answered(participation, instance, order)
        for code, change in changes.items():
            if is_answered(change.after):
                done.add(code)
            else:
                done.discard(code)
        saved = [
            code for code, change in changes.items() if code in order and is_answered(change.after)
        ]
        missing = sorted(
            {earlier for code in saved for earlier in order[: order.index(code)]} - done,
            key=order.index,
        )
        if not missing:
            continue
        reason = current_reason()
        if reason is None:
            raise conflict(
                SideBySideCodes.MEASUREMENT_OUT_OF_ORDER,
                Message(
                    "On zone {zone}, {missing} are measured first: save them first, or give a"
                    " reason for change to override the order.",
                    zone=instance,
                    missing=", ".join(missing),
                ),
                zone=instance,
                missing=missing,
            )
        # Filed under the subject; the record keeps the reason given.
        record_event(
            "measurement_order_overridden",
            participation,
            {
                "section": [None, str(assessment.section_uuid)],
                "zone": [None, instance],
                "saved": [None, saved],
                "missing": [None, missing],
            },
        )
