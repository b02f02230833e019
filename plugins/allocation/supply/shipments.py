"""Shipments from a depot to a center: requested (by hand or by a resupply), shipped
(usable kits of the depot chosen first-expiry-first-out, lowest number on ties, put in
transit), received (each kit confirmed at the center: received, damaged or missing, and
kits found that the shipment did not carry reported), or cancelled before shipping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    BlindedValue,
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    acting_user,
    conflict,
    db,
    get_in_study,
    invalid,
    study_query,
    utcnow,
)
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import Kit, KitStatus
from plugins.allocation.kits.services import locked
from plugins.allocation.kits.stock import usable
from plugins.allocation.signals import center_stock_changed
from plugins.allocation.supply import resupply
from plugins.allocation.supply.depots import depot_in_body
from plugins.allocation.supply.levels import center_in_body, kit_type_in_body
from plugins.allocation.supply.models import (
    KitCondition,
    Shipment,
    ShipmentKit,
    ShipmentLine,
    ShipmentStatus,
    ShipmentTrigger,
    UnexpectedKit,
)
from plugins.randomizations.api import ARM

NOT_FOUND = Message("No such shipment.")


def list_shipments(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    """The study's shipments at the caller's centers, newest first."""
    statement = study_query(Shipment, study).order_by(Shipment.number.desc())
    if "status" in filters:
        statement = statement.where(Shipment.status == filters["status"])
    if "inventory" in filters:
        statement = statement.where(Shipment.inventory == filters["inventory"])
    if "center" in filters:
        center = center_in_body(study, filters["center"])
        statement = statement.where(Shipment.center_id == center.id)
    return statement


def get_shipment(study: Study, shipment_uuid: Any) -> Shipment:
    return get_in_study(Shipment, shipment_uuid, NOT_FOUND, study=study)


def _move(shipment: Shipment, status: str) -> None:
    """The shipment, locked until the transaction ends and read again, moved to ``status``
    (409 from any status but the one that step starts from, itself included)."""
    db.session.execute(sa.select(Shipment.id).where(Shipment.id == shipment.id).with_for_update())
    db.session.refresh(shipment)
    if shipment.status == status:
        raise conflict(
            InternalCodes.ILLEGAL_STATUS_TRANSITION,
            Message("The shipment is {status} already.", status=status),
            status=status,
        )
    shipment.transition_to(status)


def request(study: Study, data: Mapping[str, Any]) -> Shipment:
    """A shipment asked for by hand, for one center and inventory: refused while another
    request of that center and inventory waits (change that one)."""
    center = center_in_body(study, data["center"])
    kit_types = [kit_type_in_body(study, line["kit_type"]) for line in data["lines"]]
    resupply.lock_center(study, center.id, data["inventory"])
    waiting = resupply.waiting_request(study, center.id, data["inventory"])
    if waiting is not None:
        raise conflict(
            AllocationCodes.SHIPMENT_ALREADY_REQUESTED,
            Message(
                "Shipment {number} of this center and inventory waits to be shipped: ship"
                " or cancel it first.",
                number=waiting.number,
            ),
            shipment=str(waiting.uuid),
            number=waiting.number,
        )
    shipment = resupply.new_shipment(study, center.id, data["inventory"], ShipmentTrigger.MANUAL)
    for kit_type, line in zip(kit_types, data["lines"], strict=True):
        db.session.add(
            ShipmentLine(
                study_id=study.id,
                shipment_id=shipment.id,
                kit_type_id=kit_type.id,
                quantity=line["quantity"],
            )
        )
    db.session.flush()
    db.session.refresh(shipment)
    return shipment


def _picked(study: Study, shipment: Shipment, depot_id: int) -> list[Kit]:
    """The usable kits of the depot that fill each line, first expiry first, lowest
    number on ties (locked; kits another shipment is taking are skipped); 409 with what
    is short when the depot lacks some."""
    picked: list[Kit] = []
    short = []
    for line in shipment.lines:
        kits = list(
            db.session.execute(
                sa.select(Kit)
                .where(
                    Kit.study_id == study.id,
                    Kit.depot_id == depot_id,
                    Kit.inventory == shipment.inventory,
                    Kit.kit_type_id == line.kit_type_id,
                    usable(study),
                )
                .order_by(Kit.expiry_date.asc().nulls_last(), Kit.sequence)
                .limit(line.quantity)
                .with_for_update(of=Kit, skip_locked=True)
            ).scalars()
        )
        if len(kits) < line.quantity:
            short.append(
                {"kit_type": line.kit_type.code, "requested": line.quantity, "usable": len(kits)}
            )
        picked.extend(kits)
    if short:
        raise conflict(
            AllocationCodes.DEPOT_STOCK_SHORT,
            Message("The depot has too few usable kits for this shipment."),
            short=BlindedValue(ARM, short),
        )
    return picked


def ship(study: Study, shipment: Shipment, data: Mapping[str, Any]) -> Shipment:
    """The shipment sent from a depot: its kits chosen and put in transit."""
    depot = depot_in_body(study, data["depot"])
    _move(shipment, ShipmentStatus.SHIPPED)
    # By number, not kit type by kit type: the audit trail's order of the shipment's kits
    # must not group them by treatment.
    for kit in sorted(_picked(study, shipment, depot.id), key=lambda kit: kit.sequence):
        kit.status = KitStatus.IN_TRANSIT
        kit.depot_id = None
        db.session.add(ShipmentKit(study_id=study.id, shipment_id=shipment.id, kit_id=kit.id))
    shipment.depot_id = depot.id
    shipment.tracking_number = data.get("tracking_number")
    shipment.shipped_at = utcnow()
    shipment.shipped_by_id = acting_user().id
    db.session.flush()
    db.session.refresh(shipment)
    return shipment


def _numbers(
    shipment: Shipment, confirmations: Sequence[Mapping[str, Any]]
) -> dict[str, ShipmentKit]:
    """The shipment's kits by number, each confirmed exactly once: 422 otherwise."""
    carried = {carried.kit.number: carried for carried in shipment.kits}
    given = {confirmation["number"] for confirmation in confirmations}
    not_shipped = sorted(given - carried.keys())
    if not_shipped:
        raise invalid(
            AllocationCodes.RECEIPT_KIT_NOT_SHIPPED,
            Message(
                "This shipment did not carry {numbers}: report them as unexpected.",
                numbers=", ".join(not_shipped),
            ),
            field="kits",
            numbers=not_shipped,
        )
    unconfirmed = sorted(carried.keys() - given)
    if unconfirmed:
        raise invalid(
            AllocationCodes.RECEIPT_INCOMPLETE,
            Message(
                "Confirm every kit of the shipment: received, damaged or missing. Not"
                " confirmed: {numbers}.",
                numbers=", ".join(unconfirmed),
            ),
            field="kits",
            numbers=unconfirmed,
        )
    return carried


def receive(study: Study, shipment: Shipment, data: Mapping[str, Any]) -> Shipment:
    """The shipment counted in at its center: received kits join its stock, damaged ones
    stay there as invalid, missing ones are invalid and nowhere (a kit declared invalid on
    its way keeps that status, whatever the receipt says); kits it did not carry are
    recorded. The center's stock is checked again."""
    _move(shipment, ShipmentStatus.RECEIVED)
    carried = _numbers(shipment, data["kits"])
    for confirmation in data["kits"]:
        entry = carried[confirmation["number"]]
        entry.condition = confirmation["condition"]
        entry.note = confirmation.get("note")
        kit = locked(entry.kit)
        if kit.status != KitStatus.IN_TRANSIT:
            continue  # declared invalid on its way (lost): the receipt records, never revives
        kit.depot_id = None
        if entry.condition == KitCondition.RECEIVED:
            kit.status, kit.center_id = KitStatus.AVAILABLE, shipment.center_id
        elif entry.condition == KitCondition.DAMAGED:
            kit.status, kit.center_id = KitStatus.INVALID, shipment.center_id
        else:
            kit.status, kit.center_id = KitStatus.INVALID, None
    for found in data["unexpected"]:
        db.session.add(
            UnexpectedKit(
                study_id=study.id,
                shipment_id=shipment.id,
                number=found["number"],
                note=found.get("note"),
            )
        )
    shipment.received_at = utcnow()
    shipment.received_by_id = acting_user().id
    db.session.flush()
    center_stock_changed.send(
        study,
        center_id=shipment.center_id,
        kit_type_ids=sorted({entry.kit.kit_type_id for entry in carried.values()}),
        inventory=shipment.inventory,
    )
    db.session.refresh(shipment)
    return shipment


def cancel(study: Study, shipment: Shipment, reason: str) -> Shipment:
    """A request that will not be shipped. The next check asks again if the center is
    still below its minimum: lower its levels to stop that."""
    _move(shipment, ShipmentStatus.CANCELLED)
    shipment.cancelled_at = utcnow()
    shipment.cancel_reason = reason
    db.session.flush()
    return shipment


def has_shipments_to(study: Study, center: StudyCenter) -> bool:
    """Whether shipments of the study went (or are asked) to the center: it stays in it."""
    found = sa.select(Shipment.id).where(
        Shipment.study_id == study.id, Shipment.center_id == center.id
    )
    return db.session.execute(found.limit(1)).first() is not None
