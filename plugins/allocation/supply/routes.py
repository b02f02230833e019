"""The supply of the study's centers (Study-Uuid header): depots and their stock, stock
levels, the centers' stock with its warnings, and shipments requested, shipped, received
or cancelled. A blinded caller sees kit numbers and totals, never counts per kit type."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, may_see, paginate, study_centers
from plugins.allocation import permissions
from plugins.allocation.supply import depots, levels, resupply, shipments, stock
from plugins.allocation.supply.schemas import (
    CenterStockReadSchema,
    DepotReadSchema,
    DepotStockReadSchema,
    DepotUpdateSchema,
    DepotWriteSchema,
    ShipmentCancelSchema,
    ShipmentReadSchema,
    ShipmentReceiptSchema,
    ShipmentSearchSchema,
    ShipmentShipSchema,
    ShipmentWriteSchema,
    StockLevelReadSchema,
    StockLevelSearchSchema,
    StockLevelsWriteSchema,
    StockSearchSchema,
    StockWarningReadSchema,
    StockWarningSearchSchema,
    SupplyInventorySchema,
)
from plugins.randomizations.api import ARM

CODE_TAKEN = {409: "Another depot of the study has this code (CONFLICT)."}
CENTER_UNKNOWN = {
    422: "The center is not one of the study's that the caller sees (CENTER_NOT_IN_STUDY)."
}
KIT_TYPE_UNKNOWN = {422: "The study has no such kit type (SUPPLY_KIT_TYPE_UNKNOWN)."}
WRONG_STATUS = {
    409: "The shipment is not in the status this step starts from (ILLEGAL_STATUS_TRANSITION)."
}

blp = Blueprint(
    "allocation_supply",
    __name__,
    url_prefix="/api/allocation/supply",
    description="Kit allocation: the supply of the centers from depots",
)


@blp.route("/depots/")
class Depots(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS, "POST": permissions.MANAGE_SUPPLY}

    @blp.response(200, DepotReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's depots, by code."""
        return paginate(depots.list_depots(current_study()), pagination_parameters)

    @blp.arguments(DepotWriteSchema)
    @blp.errors(CODE_TAKEN)
    @blp.response(201, DepotReadSchema)
    def post(self, data):
        return depots.create_depot(current_study(), data)


@blp.route("/depots/<uuid:depot_uuid>")
class DepotDetail(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS, "PATCH": permissions.MANAGE_SUPPLY}

    @blp.response(200, DepotReadSchema)
    def get(self, depot_uuid):
        return depots.get_depot(current_study(), depot_uuid)

    @blp.arguments(DepotUpdateSchema)
    @blp.errors(CODE_TAKEN)
    @blp.response(200, DepotReadSchema)
    def patch(self, data, depot_uuid):
        study = current_study()
        return depots.update_depot(study, depots.get_depot(study, depot_uuid), data)


@blp.route("/depots/<uuid:depot_uuid>/stock")
class DepotStock(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS}

    @blp.arguments(SupplyInventorySchema, location="query")
    @blp.response(200, DepotStockReadSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters, depot_uuid):
        """The kits available at the depot in an inventory (production by default), by kit
        type (for the unblinded: by expiry date only for others) and expiry date, soonest
        first."""
        study = current_study()
        depot = depots.get_depot(study, depot_uuid)
        found = stock.depot_stock(study, depot.id, query["inventory"], by_kit_type=may_see(ARM))
        return paginate(found, pagination_parameters)


@blp.route("/levels/")
class Levels(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS, "PUT": permissions.MANAGE_SUPPLY}

    @blp.arguments(StockLevelSearchSchema, location="query")
    @blp.errors(CENTER_UNKNOWN, KIT_TYPE_UNKNOWN)
    @blp.response(200, StockLevelReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The stock levels of the caller's centers; filters: center, kit_type, inventory."""
        return paginate(levels.list_levels(current_study(), filters), pagination_parameters)

    @blp.arguments(StockLevelsWriteSchema)
    @blp.errors(CENTER_UNKNOWN, KIT_TYPE_UNKNOWN)
    @blp.response(200, StockLevelReadSchema(many=True))
    def put(self, data):
        """Set levels (each made, or changed where the center keeps that kit type in that
        inventory already); each center concerned is checked at once, and a resupply is
        requested where it now falls below a minimum."""
        return levels.set_levels(current_study(), data["levels"])


@blp.route("/levels/<uuid:level_uuid>")
class LevelDetail(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS, "DELETE": permissions.MANAGE_SUPPLY}

    @blp.response(200, StockLevelReadSchema)
    def get(self, level_uuid):
        return levels.get_level(current_study(), level_uuid)

    @blp.response(204)
    def delete(self, level_uuid):
        """The center no longer keeps this kit type."""
        study = current_study()
        levels.delete_level(study, levels.get_level(study, level_uuid))


@blp.route("/stock")
class Stock(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS}

    @blp.arguments(StockSearchSchema, location="query")
    @blp.response(200, CenterStockReadSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """The stock of each of the caller's centers in an inventory (production by
        default), by code: totals and a state (ok, low, out), and per kit type for the
        unblinded; filter: state."""
        study = current_study()
        found = stock.center_stock(study, query["inventory"], study_centers(study))
        if "state" in query:
            found = [center for center in found if center.state == query["state"]]
        return paginate(found, pagination_parameters)


@blp.route("/warnings/")
class Warnings(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS}

    @blp.arguments(StockWarningSearchSchema, location="query")
    @blp.response(200, StockWarningReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The episodes in which one of the caller's centers ran low in an inventory
        (production by default), newest first; filter: open."""
        return paginate(resupply.list_warnings(current_study(), filters), pagination_parameters)


@blp.route("/shipments/")
class Shipments(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS, "POST": permissions.MANAGE_SUPPLY}

    @blp.arguments(ShipmentSearchSchema, location="query")
    @blp.errors(CENTER_UNKNOWN)
    @blp.response(200, ShipmentReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The shipments to the caller's centers, newest first; filters: status,
        inventory, center."""
        return paginate(shipments.list_shipments(current_study(), filters), pagination_parameters)

    @blp.arguments(ShipmentWriteSchema)
    @blp.errors(
        CENTER_UNKNOWN,
        KIT_TYPE_UNKNOWN,
        {
            409: "A request of the center and inventory waits to be shipped; details.shipment"
            " (SHIPMENT_ALREADY_REQUESTED)."
        },
    )
    @blp.response(201, ShipmentReadSchema)
    def post(self, data):
        """Ask by hand for kits for a center (its first supply, say)."""
        return shipments.request(current_study(), data)


@blp.route("/shipments/<uuid:shipment_uuid>")
class ShipmentDetail(ApiView):
    permissions_registry = {"GET": permissions.SUPPLY_ACCESS}

    @blp.response(200, ShipmentReadSchema)
    def get(self, shipment_uuid):
        """One shipment, with its kits and what its center reported."""
        return shipments.get_shipment(current_study(), shipment_uuid)


@blp.route("/shipments/<uuid:shipment_uuid>/ship")
class ShipmentShipping(ApiView):
    permissions_registry = {"POST": permissions.SHIP}

    @blp.arguments(ShipmentShipSchema)
    @blp.errors(
        WRONG_STATUS,
        {422: "The study has no such depot (SUPPLY_DEPOT_UNKNOWN)."},
        {
            409: "The depot has too few usable kits; details.short, per kit type for the"
            " unblinded (DEPOT_STOCK_SHORT)."
        },
    )
    @blp.response(200, ShipmentReadSchema)
    def post(self, data, shipment_uuid):
        """Ship a requested shipment from a depot: its usable kits are chosen first expiry
        first (lowest number on ties) and put in transit."""
        study = current_study()
        return shipments.ship(study, shipments.get_shipment(study, shipment_uuid), data)


@blp.route("/shipments/<uuid:shipment_uuid>/receive")
class ShipmentReceipt(ApiView):
    permissions_registry = {"POST": permissions.RECEIVE}

    @blp.arguments(ShipmentReceiptSchema)
    @blp.errors(
        WRONG_STATUS,
        {422: "A kit of the shipment is not confirmed; details.numbers (RECEIPT_INCOMPLETE)."},
        {
            422: "A kit confirmed is not one the shipment carried; details.numbers"
            " (RECEIPT_KIT_NOT_SHIPPED)."
        },
    )
    @blp.response(200, ShipmentReadSchema)
    def post(self, data, shipment_uuid):
        """Count a shipped shipment in at its center: each of its kits received, damaged
        or missing, and the kits found that it did not carry."""
        study = current_study()
        return shipments.receive(study, shipments.get_shipment(study, shipment_uuid), data)


@blp.route("/shipments/<uuid:shipment_uuid>/cancel")
class ShipmentCancellation(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_SUPPLY}

    @blp.arguments(ShipmentCancelSchema)
    @blp.errors(WRONG_STATUS)
    @blp.response(200, ShipmentReadSchema)
    def post(self, data, shipment_uuid):
        """Cancel a request that will not be shipped, with a reason."""
        study = current_study()
        return shipments.cancel(study, shipments.get_shipment(study, shipment_uuid), data["reason"])
