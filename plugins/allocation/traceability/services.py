"""Traceability, for a recall within the hour: from a batch to its kits, the subjects who
received them and their adverse events (the study's configured repeating group of the
eCRF); from a subject back to every batch they received. Neither costs more queries for
more subjects.

Both reveal which subjects share a product, so only callers who see arms and products
read them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from datacapt.toolkit import (
    Message,
    Study,
    StudyCenter,
    db,
    forbidden,
    may_see,
    not_found,
    restrict_to_visible_centers,
)
from plugins.allocation.dispensing.models import Dispensing
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import Kit, KitStatus, KitType
from plugins.allocation.settings import allocation_settings
from plugins.ecrf.api import Answer
from plugins.product_database.api import PRODUCT, Batch, Product, StudyProduct
from plugins.randomizations.api import ARM
from plugins.subjects.api import SubjectInStudy


def refuse_if_blinded() -> None:
    if not (may_see(ARM) and may_see(PRODUCT)):
        raise forbidden(
            AllocationCodes.TRACEABILITY_BLINDED,
            Message(
                "Traceability shows who received which product: it needs the unblinded views"
                " of arms and products."
            ),
        )


def study_batch(study: Study, batch_uuid: Any) -> Batch:
    """A batch of one of the study's products (404 otherwise)."""
    batch = db.session.execute(
        sa.select(Batch)
        .join(StudyProduct, StudyProduct.product_id == Batch.product_id)
        .where(StudyProduct.study_id == study.id, Batch.uuid == batch_uuid)
    ).scalar_one_or_none()
    if batch is None:
        raise not_found(Message("The study uses no such batch."))
    return batch


def batch_trace(study: Study, batch: Batch) -> dict[str, Any]:
    """The batch's kits by inventory and status, and each subject given one of them (at the
    caller's centers) with their kits and adverse events."""
    kits = db.session.execute(
        sa.select(Kit.inventory, Kit.status, sa.func.count())
        .where(Kit.study_id == study.id, Kit.batch_id == batch.id)
        .group_by(Kit.inventory, Kit.status)
        .order_by(Kit.inventory, Kit.status)
    ).all()
    ae_code = allocation_settings(study)["adverse_event_question"]
    given = (
        sa.select(
            Dispensing.subject_in_study_id.label("participation"),
            sa.func.json_agg(
                aggregate_order_by(
                    sa.func.json_build_object(
                        "kit",
                        Kit.number,
                        "inventory",
                        Dispensing.inventory,
                        "status",
                        Dispensing.status,
                        "dispensed_at",
                        Dispensing.dispensed_at,
                    ),
                    Dispensing.id,
                )
            ).label("kits"),
        )
        .join(Kit, Kit.id == Dispensing.kit_id)
        .where(Dispensing.study_id == study.id, Kit.batch_id == batch.id)
        .group_by(Dispensing.subject_in_study_id)
        .subquery()
    )
    events = sa.case(
        (sa.func.jsonb_typeof(Answer.value) == "array", Answer.value),
        else_=sa.text("'[]'::jsonb"),
    )
    # json, not jsonb: built once and sent, never queried, so no binary form is needed.
    # Built whole by the database: one row, whatever the number of subjects.
    subject = sa.func.json_build_object(
        "uuid",
        SubjectInStudy.uuid,
        "study_subject_id",
        SubjectInStudy.study_subject_id,
        "center",
        StudyCenter.code,
        "kits",
        given.c.kits,
        "adverse_events",
        events,
    )
    statement = (
        sa.select(
            sa.func.coalesce(
                sa.func.json_agg(aggregate_order_by(subject, SubjectInStudy.study_subject_id)),
                sa.text("'[]'::json"),
            )
        )
        .select_from(SubjectInStudy)
        .join(given, given.c.participation == SubjectInStudy.id)
        .join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id)
        .outerjoin(
            Answer,
            sa.and_(Answer.subject_in_study_id == SubjectInStudy.id, Answer.code == ae_code),
        )
    )
    subjects = db.session.execute(
        restrict_to_visible_centers(statement, SubjectInStudy.center_id)
    ).scalar_one()
    return {
        "batch": batch,
        "product": db.session.get_one(Product, batch.product_id).name,
        "adverse_event_question": ae_code,
        "kits": [
            {"inventory": inventory, "status": status, "count": count}
            for inventory, status, count in kits
        ],
        "subjects": subjects,
    }


def subject_trace(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    """Every kit the subject received, oldest first, with its batch (none for a kit without)."""
    rows = db.session.execute(
        sa.select(Dispensing, Kit, KitType, Batch)
        .join(Kit, Kit.id == Dispensing.kit_id)
        .join(KitType, KitType.id == Dispensing.kit_type_id)
        .outerjoin(Batch, Batch.id == Kit.batch_id)
        .where(Dispensing.study_id == study.id, Dispensing.subject_in_study_id == participation.id)
        .order_by(Dispensing.id)
    ).all()
    kits = [
        {
            "dispensing": dispensing.uuid,
            "kit": kit.number,
            "kit_type": kit_type.code,
            "status": dispensing.status,
            "returned": kit.status == KitStatus.RETURNED,
            "dispensed_at": dispensing.dispensed_at,
            "batch": batch,
        }
        for dispensing, kit, kit_type, batch in rows
    ]
    return {"subject": participation.uuid, "kits": kits}
