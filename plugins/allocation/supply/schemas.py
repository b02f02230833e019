"""Schemas of the supply API. A kit type's name is the product's (blinded by the product
database's kind); counts and quantities per kit type at a depot, a center or in a shipment
show what a center's subjects were given, and are blinded by the arm's kind: a blinded
caller sees kit numbers and totals."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import BlindingSchema, blinded
from plugins.allocation.kits.models import Inventory
from plugins.allocation.supply.models import (
    KitCondition,
    ShipmentStatus,
    ShipmentTrigger,
    StockState,
)
from plugins.product_database.api import PRODUCT
from plugins.randomizations.api import ARM

CODE = ma.validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$",
    error="1 to 30 letters, digits, dots, dashes or underscores, starting with a letter or digit.",
)
RECEIVED_CONDITIONS = [KitCondition.RECEIVED, KitCondition.DAMAGED, KitCondition.MISSING]
KIT_NUMBER = ma.validate.Length(min=1, max=40)
NOTE = ma.validate.Length(max=2000)


def _inventory(**options: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(list(Inventory)), **options)


def _count(**options: Any) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=0, max=100_000), **options)


class SupplyKitTypeSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = blinded(ma.fields.String(), PRODUCT)


class DepotWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class DepotUpdateSchema(ma.Schema):
    code = ma.fields.String(validate=CODE)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class DepotReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class SupplyInventorySchema(ma.Schema):
    inventory = _inventory(load_default=Inventory.PRODUCTION)


class DepotStockReadSchema(BlindingSchema):
    kit_type = blinded(
        ma.fields.Nested(SupplyKitTypeSchema),
        ARM,
    )
    expiry_date = ma.fields.Date(allow_none=True)
    available = ma.fields.Integer()
    usable = ma.fields.Integer(
        metadata={"description": "In date beyond the study's expiry buffer, of a dispensable batch"}
    )


class StockLevelWriteSchema(ma.Schema):
    center = ma.fields.UUID(required=True)
    kit_type = ma.fields.UUID(required=True)
    inventory = _inventory(load_default=Inventory.PRODUCTION)
    minimum = _count(
        required=True, metadata={"description": "Below this many usable kits, resupply"}
    )
    target = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=100_000),
        metadata={"description": "What a resupply brings the stock up to"},
    )

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["target"] < data["minimum"]:
            raise ma.ValidationError("At least the minimum.", "target")


class StockLevelsWriteSchema(ma.Schema):
    levels = ma.fields.List(
        ma.fields.Nested(StockLevelWriteSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=1000),
    )

    @ma.validates_schema
    def _once_each(self, data: dict[str, Any], **_: Any) -> None:
        keys = [(item["center"], item["kit_type"], item["inventory"]) for item in data["levels"]]
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("A center's kit type is given once per inventory.", "levels")


class StockLevelSearchSchema(ma.Schema):
    center = ma.fields.UUID()
    kit_type = ma.fields.UUID()
    inventory = _inventory()


class StockLevelReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    kit_type = ma.fields.Nested(SupplyKitTypeSchema)
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    minimum = ma.fields.Integer()
    target = ma.fields.Integer()
    modified_at = ma.fields.AwareDateTime()


class StockSearchSchema(SupplyInventorySchema):
    state = ma.fields.String(validate=ma.validate.OneOf(list(StockState)))


class KitTypeStockSchema(BlindingSchema):
    kit_type = ma.fields.Nested(SupplyKitTypeSchema)
    minimum = ma.fields.Integer(allow_none=True, metadata={"description": "None: no level kept"})
    target = ma.fields.Integer(allow_none=True)
    available = ma.fields.Integer()
    usable = ma.fields.Integer()
    in_transit = ma.fields.Integer()
    requested = ma.fields.Integer()
    state = ma.fields.String(allow_none=True, metadata={"enum": list(StockState)})


class CenterStockReadSchema(BlindingSchema):
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    center_name = ma.fields.String(attribute="center.name")
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    state = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": list(StockState),
            "description": "The worst of its kit types: out (none usable where a minimum is"
            " kept), low (below a minimum), ok; None: no level kept",
        },
    )
    available = ma.fields.Integer()
    usable = ma.fields.Integer()
    in_transit = ma.fields.Integer()
    requested = ma.fields.Integer()
    kit_types = blinded(
        ma.fields.List(ma.fields.Nested(KitTypeStockSchema), attribute="types"), ARM
    )


class ShipmentLineWriteSchema(ma.Schema):
    kit_type = ma.fields.UUID(required=True)
    quantity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=10_000))


class ShipmentWriteSchema(ma.Schema):
    center = ma.fields.UUID(required=True)
    inventory = _inventory(load_default=Inventory.PRODUCTION)
    lines = ma.fields.List(
        ma.fields.Nested(ShipmentLineWriteSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
    )

    @ma.validates_schema
    def _once_each(self, data: dict[str, Any], **_: Any) -> None:
        kit_types = [line["kit_type"] for line in data["lines"]]
        if len(set(kit_types)) != len(kit_types):
            raise ma.ValidationError("A kit type is given once.", "lines")


class ShipmentSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(ShipmentStatus)))
    inventory = _inventory()
    center = ma.fields.UUID()


class ShipmentShipSchema(ma.Schema):
    depot = ma.fields.UUID(required=True)
    tracking_number = ma.fields.String(validate=ma.validate.Length(min=1, max=100))


class ShipmentKitConfirmationSchema(ma.Schema):
    number = ma.fields.String(required=True, validate=KIT_NUMBER)
    condition = ma.fields.String(required=True, validate=ma.validate.OneOf(RECEIVED_CONDITIONS))
    note = ma.fields.String(validate=NOTE)


class UnexpectedKitWriteSchema(ma.Schema):
    number = ma.fields.String(required=True, validate=KIT_NUMBER)
    note = ma.fields.String(validate=NOTE)


class ShipmentReceiptSchema(ma.Schema):
    kits = ma.fields.List(
        ma.fields.Nested(ShipmentKitConfirmationSchema),
        required=True,
        validate=ma.validate.Length(max=10_000),
        metadata={"description": "Every kit of the shipment, each once, with what was found"},
    )
    unexpected = ma.fields.List(
        ma.fields.Nested(UnexpectedKitWriteSchema),
        load_default=list,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Kits found in the parcel that the shipment did not carry"},
    )

    @ma.validates_schema
    def _once_each(self, data: dict[str, Any], **_: Any) -> None:
        numbers = [kit["number"] for kit in (*data["kits"], *data["unexpected"])]
        if len(set(numbers)) != len(numbers):
            raise ma.ValidationError("A kit number is given once.", "kits")


class ShipmentCancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class ShipmentLineReadSchema(BlindingSchema):
    kit_type = ma.fields.Nested(SupplyKitTypeSchema)
    quantity = ma.fields.Integer()


class ShipmentKitReadSchema(BlindingSchema):
    number = ma.fields.String(attribute="kit.number")
    condition = ma.fields.String(metadata={"enum": list(KitCondition)})
    note = ma.fields.String(allow_none=True)
    kit_type = blinded(ma.fields.Nested(SupplyKitTypeSchema, attribute="kit.kit_type"), ARM)
    expiry_date = blinded(ma.fields.Date(attribute="kit.expiry_date"), ARM)


class ShipmentDiscrepancySchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": ["damaged", "missing", "unexpected"]})
    number = ma.fields.String()
    note = ma.fields.String(allow_none=True)


class ShipmentReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    number = ma.fields.Integer(metadata={"description": "1, 2, ... in the study"})
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    status = ma.fields.String(metadata={"enum": list(ShipmentStatus)})
    trigger = ma.fields.String(metadata={"enum": list(ShipmentTrigger)})
    depot = ma.fields.UUID(attribute="depot.uuid", allow_none=True)
    depot_code = ma.fields.String(attribute="depot.code", allow_none=True)
    tracking_number = ma.fields.String(allow_none=True)
    requested_at = ma.fields.AwareDateTime(attribute="created_at")
    shipped_at = ma.fields.AwareDateTime(allow_none=True)
    received_at = ma.fields.AwareDateTime(allow_none=True)
    cancelled_at = ma.fields.AwareDateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    quantity = ma.fields.Integer(metadata={"description": "Kits asked for, in all"})
    lines = blinded(ma.fields.List(ma.fields.Nested(ShipmentLineReadSchema)), ARM)
    kits = ma.fields.List(
        ma.fields.Nested(ShipmentKitReadSchema),
        attribute="carried",
        metadata={"description": "The kits shipped, by number (none before shipping)"},
    )
    discrepancies = ma.fields.List(
        ma.fields.Nested(ShipmentDiscrepancySchema),
        metadata={"description": "What the center reported: damaged, missing, unexpected kits"},
    )


class StockWarningSearchSchema(SupplyInventorySchema):
    open = ma.fields.Boolean(metadata={"description": "Only the open episodes (or closed ones)"})


class StockWarningReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    state = ma.fields.String(
        metadata={"enum": [StockState.LOW, StockState.OUT], "description": "When it opened"}
    )
    notified = ma.fields.Integer(metadata={"description": "How many supply people were told"})
    opened_at = ma.fields.AwareDateTime(attribute="created_at")
    closed_at = ma.fields.AwareDateTime(allow_none=True)
