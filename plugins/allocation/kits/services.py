"""A study's kit types, its kits as the caller may see them, and a kit in stock declared
invalid."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    StudyCenter,
    conflict,
    current_reason,
    db,
    forbidden,
    get_in_study,
    invalid,
    may_see,
    reason_required,
    study_query,
)
from plugins.allocation import signals
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import Kit, KitStatus, KitType
from plugins.allocation.supply.models import Depot
from plugins.product_database.api import PRODUCT, Batch, StudyProduct
from plugins.randomizations.api import ARM


def list_kit_types(study: Study) -> sa.Select:
    return study_query(KitType, study).order_by(KitType.code)


def get_kit_type(study: Study, kit_type_uuid: Any) -> KitType:
    return get_in_study(KitType, kit_type_uuid, Message("No such kit type."), study=study)


def create_kit_type(study: Study, data: dict[str, Any]) -> KitType:
    """A kit type of one of the study's products (409 when its code is taken)."""
    product = db.session.execute(
        sa.select(StudyProduct).where(
            StudyProduct.study_id == study.id, StudyProduct.uuid == data["study_product"]
        )
    ).scalar_one_or_none()
    if product is None:
        raise invalid(
            AllocationCodes.KIT_TYPE_INVALID,
            Message("The study uses no such product."),
            field="study_product",
        )
    taken = db.session.execute(
        sa.select(KitType.id).where(KitType.study_id == study.id, KitType.code == data["code"])
    ).first()
    if taken:
        raise conflict(
            AllocationCodes.KIT_TYPE_INVALID,
            Message("Another kit type of the study has this code."),
            field="code",
        )
    kit_type = KitType(
        study_id=study.id,
        code=data["code"],
        name=data["name"],
        study_product_id=product.id,
        quantity=data["quantity"],
        unit=data["unit"],
    )
    db.session.add(kit_type)
    db.session.flush()
    return kit_type


def _refuse_blinded_filters(filters: dict[str, Any]) -> None:
    """Kits listed by kit type or batch would say which kits hold which treatment: those
    filters are for whoever sees the arm (a kit type) or the product (a batch)."""
    for name, kind in (("kit_type", ARM), ("batch", PRODUCT)):
        if filters.get(name) is not None and not may_see(kind):
            raise forbidden(
                AllocationCodes.KIT_FILTER_BLINDED,
                Message(
                    "Kits listed by {filter} would reveal the treatment they hold: the"
                    " filter needs the unblinded view.",
                    filter=name,
                ),
                filter=name,
            )


def list_kits(study: Study, filters: dict[str, Any]) -> sa.Select:
    """The study's kits at the centers the caller sees (depots' kits for those who see every
    center), in the order they are dispensed."""
    _refuse_blinded_filters(filters)
    statement = study_query(Kit, study).order_by(Kit.inventory, Kit.sequence)
    for name, text in (
        ("inventory", Kit.inventory),
        ("status", Kit.status),
        ("number", Kit.number),
    ):
        if filters.get(name) is not None:
            statement = statement.where(text == filters[name])
    references: tuple[tuple[str, Any, Any], ...] = (
        ("kit_type", KitType, Kit.kit_type_id),
        ("batch", Batch, Kit.batch_id),
        ("center", StudyCenter, Kit.center_id),
        ("depot", Depot, Kit.depot_id),
    )
    for name, model, column in references:
        if filters.get(name) is not None:
            statement = statement.where(
                column.in_(sa.select(model.id).where(model.uuid == filters[name]))
            )
    return statement


def get_kit(study: Study, kit_uuid: Any) -> Kit:
    return get_in_study(Kit, kit_uuid, Message("No such kit."), study=study)


def locked(kit: Kit) -> Kit:
    """The kit with its row locked until commit, read afresh."""
    db.session.execute(sa.select(Kit.id).where(Kit.id == kit.id).with_for_update())
    db.session.refresh(kit)
    return kit


def stock_changed(study: Study, kits: list[Kit]) -> None:
    """Tell supply that these kits left or entered their centers' available stock."""
    by_center: dict[tuple[int, str], set[int]] = {}
    for kit in kits:
        if kit.center_id is not None:
            by_center.setdefault((kit.center_id, kit.inventory), set()).add(kit.kit_type_id)
    for (center_id, inventory), kit_type_ids in by_center.items():
        signals.center_stock_changed.send(
            study, center_id=center_id, kit_type_ids=sorted(kit_type_ids), inventory=inventory
        )


def declare_invalid(study: Study, kit: Kit) -> Kit:
    """A kit in stock found damaged, lost or otherwise unfit (the request's reason says
    why): it is never given."""
    reason = current_reason()
    if not reason:
        raise reason_required([Kit.__tablename__])
    locked(kit)
    if kit.status not in (KitStatus.AVAILABLE, KitStatus.IN_TRANSIT):
        raise conflict(
            AllocationCodes.KIT_NOT_IN_STOCK,
            Message(
                "Only a kit in stock is declared invalid here; this one is {status}.",
                status=kit.status,
            ),
            status=kit.status,
        )
    was_available = kit.status == KitStatus.AVAILABLE
    kit.status = KitStatus.INVALID
    kit.invalid_reason = reason
    db.session.flush()
    if was_available:
        stock_changed(study, [kit])
    return kit


def has_kits_at(study: Study, center: StudyCenter) -> bool:
    """Whether kits of the study are (or were) at the center: it stays in the study."""
    return (
        db.session.execute(
            sa.select(Kit.id).where(Kit.study_id == study.id, Kit.center_id == center.id).limit(1)
        ).first()
        is not None
    )
