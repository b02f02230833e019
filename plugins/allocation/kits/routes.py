"""Kit types, kits and their imports, and the two inventories of the study named by the
Study-Uuid header; the production inventory goes live after its check."""

from __future__ import annotations

from typing import Any

from flask import request

from datacapt.toolkit import (
    REASON_FOR_CHANGE,
    ApiView,
    Blueprint,
    Message,
    current_study,
    invalid,
    not_found,
    paginate,
)
from plugins.allocation import permissions
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits import imports, production, services
from plugins.allocation.kits.models import Inventory
from plugins.allocation.kits.schemas import (
    InvalidateSchema,
    InventoriesSchema,
    KitImportReadSchema,
    KitReadSchema,
    KitSearchSchema,
    KitTypeReadSchema,
    KitTypeWriteSchema,
    ProductionCheckSchema,
    ProductionStartSchema,
)

BAD_FILE = {
    422: "The file has problems; details.problems lists them with their rows (KIT_IMPORT_INVALID)."
}
BAD_KIT_TYPE = {
    422: "The study uses no such product (KIT_TYPE_INVALID).",
    409: "Another kit type has the code (KIT_TYPE_INVALID).",
}

blp = Blueprint(
    "allocation_kits",
    __name__,
    url_prefix="/api/allocation",
    description="Kit allocation: kit types, kits, imports and the inventories",
)


@blp.route("/kit-types/")
class KitTypes(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS, "POST": permissions.MANAGE_KITS}

    @blp.response(200, KitTypeReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's kit types (product names only for the unblinded)."""
        return paginate(services.list_kit_types(current_study()), pagination_parameters)

    @blp.arguments(KitTypeWriteSchema)
    @blp.errors(BAD_KIT_TYPE)
    @blp.response(201, KitTypeReadSchema)
    def post(self, data):
        """A kit type: a quantity of one of the study's products."""
        return services.create_kit_type(current_study(), data)


@blp.route("/kit-types/<uuid:kit_type_uuid>")
class KitTypeDetail(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.response(200, KitTypeReadSchema)
    def get(self, kit_type_uuid):
        return services.get_kit_type(current_study(), kit_type_uuid)


@blp.route("/kits/")
class Kits(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.arguments(KitSearchSchema, location="query")
    @blp.errors({403: "A kit_type or batch filter from a blinded caller (KIT_FILTER_BLINDED)."})
    @blp.response(200, KitReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's kits at the caller's centers, by inventory and sequence; filters:
        inventory, status, number, kit_type (for callers who see arms), batch (for those
        who see products), center, depot."""
        return paginate(services.list_kits(current_study(), filters), pagination_parameters)


@blp.route("/kits/<uuid:kit_uuid>")
class KitDetail(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.response(200, KitReadSchema)
    def get(self, kit_uuid):
        return services.get_kit(current_study(), kit_uuid)


@blp.route("/kits/<uuid:kit_uuid>/invalidate")
class KitInvalidation(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_KITS}

    @blp.arguments(InvalidateSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors({409: "The kit is not in stock (KIT_NOT_IN_STOCK)."})
    @blp.response(200, KitReadSchema)
    def post(self, _data, kit_uuid):
        """Declare a kit in stock invalid (damaged, lost...), with the reason: it is never
        given. A kit already given is corrected through its dispensing."""
        study = current_study()
        return services.declare_invalid(study, services.get_kit(study, kit_uuid))


def _inventory(name: str) -> str:
    if name not in set(Inventory):
        raise not_found(Message("No such inventory: dummy or production."))
    return name


def _upload() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None:
        raise invalid(
            AllocationCodes.KIT_IMPORT_INVALID,
            Message("Send the file in the multipart field file."),
            field="file",
        )
    return upload.filename or "", upload.read()


@blp.route("/inventories/")
class Inventories(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.response(200, InventoriesSchema)
    def get(self):
        """Both inventories: in use or not, and their kits by status."""
        return production.inventories(current_study())


@blp.route("/inventories/<inventory>/imports")
class KitImports(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS, "POST": permissions.MANAGE_KITS}

    @blp.response(200, KitImportReadSchema(many=True))
    @blp.paginate()
    def get(self, inventory, pagination_parameters):
        """The inventory's imports, newest first."""
        statement = imports.list_imports(current_study(), _inventory(inventory))
        return paginate(statement, pagination_parameters)

    @blp.errors(BAD_FILE)
    @blp.response(201, KitImportReadSchema)
    def post(self, inventory: str) -> Any:
        """Import kits (multipart field ``file``, CSV or XLSX: number, kit_type, batch,
        expiry_date, center or depot, sequence) into the inventory, as available stock:
        checked whole, nothing is kept of a file with a problem. A large file's kits are
        written by a job: the import is ``queued`` until then (follow it below)."""
        inventory = _inventory(inventory)
        name, content = _upload()
        return imports.import_kits(current_study(), inventory, name, content)


@blp.route("/imports/<uuid:import_uuid>")
class KitImportDetail(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.response(200, KitImportReadSchema)
    def get(self, import_uuid):
        """One import: queued, done, or failed with its problems."""
        return imports.get_import(current_study(), import_uuid)


@blp.route("/inventories/production/check")
class ProductionCheck(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS}

    @blp.response(200, ProductionCheckSchema)
    def get(self):
        """What going live would find missing: each arm of the live design, at each visit
        of the configuration and each center, needs its production kits."""
        return production.check(current_study())


@blp.route("/inventories/production/go-live")
class ProductionGoLive(ApiView):
    permissions_registry = {"POST": permissions.GO_LIVE}

    @blp.errors(
        {
            409: "Kits are missing (details.missing), or production is live already (GO_LIVE_REFUSED)."
        }
    )
    @blp.response(201, ProductionStartSchema)
    def post(self):
        """Put the production inventory in use, after its check; the dummy one stays."""
        return production.go_live(current_study())
