"""Randomization designs of the study named by the Study-Uuid header: their versions (saved
whole with If-Match, simulated, approved, put live), imported list parts and keys, the
strata with their slots left, the table of slots and its verification (unblinded)."""

from __future__ import annotations

from typing import Any

from flask import request

from datacapt.toolkit import (
    ETAG_HEADER,
    IF_MATCH,
    REASON_FOR_CHANGE,
    ApiView,
    Blueprint,
    Message,
    acting_user,
    current_study,
    invalid,
    not_found,
    paginate,
)
from plugins.randomizations import imports, inspection, permissions, services
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.models import Design, DesignVersion, Environment
from plugins.randomizations.schemas import (
    DesignReadSchema,
    DesignWriteSchema,
    EnvironmentSchema,
    ListImportReadSchema,
    ListVerificationReadSchema,
    PasswordSchema,
    RequiredEnvironmentSchema,
    SimulationReadSchema,
    SimulationWriteSchema,
    SlotReadSchema,
    StratumReadSchema,
    VersionReadSchema,
    VersionWriteSchema,
)
from plugins.randomizations.simulation import service as simulations

INVALID_DESIGN = {
    422: "The design has problems; details.problems lists them (RANDOMIZATION_DESIGN_INVALID)."
}
NOT_DRAFT = {409: "The version is no longer a draft (DESIGN_VERSION_NOT_DRAFT)."}
NOT_READY = {
    409: "Something the step needs is missing; details.missing names it (DESIGN_NOT_READY)."
}
BAD_FILE = {
    422: "The file has problems; details.problems lists them with their rows"
    " (RANDOMIZATION_LIST_INVALID)."
}
NOT_IMPORTED = {409: "The design's lists are not imported, or have no key (LIST_IMPORT_REFUSED)."}
WRONG_PASSWORD = {422: "The password is wrong (WRONG_PASSWORD)."}

blp = Blueprint(
    "randomization_designs",
    __name__,
    url_prefix="/api/randomizations/designs",
    description="Randomization designs: versions, simulations, lists",
)


def _design(design_uuid: Any) -> Design:
    return services.get_design(current_study(), design_uuid)


def _version(design_uuid: Any, number: int) -> DesignVersion:
    return services.get_version(_design(design_uuid), number)


def _environment(name: str) -> str:
    """A path's environment: ``test`` or ``production``, else 404 like any unknown id."""
    if name not in list(Environment):
        raise not_found(Message("No such environment: test or production."))
    return name


def _with_etag(
    version: DesignVersion, status: int = 200
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The version as read, with the newest simulation of its revision and its ETag."""
    shown = {
        name: getattr(version, name)
        for name in (
            "uuid",
            "number",
            "status",
            "reason",
            "revision",
            "config",
            "approved_at",
            "live_at",
            "created_at",
        )
    }
    shown["simulation"] = simulations.latest_done(version)
    return shown, status, {"ETag": services.version_etag(version)}


def _upload() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None:
        raise invalid(
            RandomizationCodes.RANDOMIZATION_LIST_INVALID,
            Message("Send the file in the multipart field file."),
            field="file",
        )
    return upload.filename or "", upload.read()


@blp.route("/")
class Designs(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.DESIGN}

    @blp.response(200, DesignReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's randomization designs, with their versions."""
        return paginate(services.list_designs(current_study()), pagination_parameters)

    @blp.arguments(DesignWriteSchema)
    @blp.errors({409: "Another design of the study has this code (CONFLICT)."}, INVALID_DESIGN)
    @blp.response(201, DesignReadSchema)
    def post(self, data):
        """A design (its method is for good) with its first version, a draft."""
        return services.create_design(current_study(), data)


@blp.route("/<uuid:design_uuid>")
class DesignDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, DesignReadSchema)
    def get(self, design_uuid):
        return _design(design_uuid)


@blp.route("/<uuid:design_uuid>/versions/")
class Versions(ApiView):
    permissions_registry = {"POST": permissions.DESIGN}

    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors({409: "A draft version exists: change it (DRAFT_VERSION_EXISTS)."})
    @blp.response(201, VersionReadSchema, headers=ETAG_HEADER)
    def post(self, design_uuid):
        """A new draft made from the newest version; needs the Reason-For-Change header."""
        return _with_etag(services.new_version(_design(design_uuid)), 201)


@blp.route("/<uuid:design_uuid>/versions/<int:number>")
class VersionDetail(ApiView):
    permissions_registry = {"GET": permissions.DESIGN, "PUT": permissions.DESIGN}

    @blp.response(200, VersionReadSchema, headers=ETAG_HEADER)
    def get(self, design_uuid, number):
        """The version's parameters and the newest simulation of them (its ETag: the
        revision to send back in If-Match)."""
        return _with_etag(_version(design_uuid, number))

    @blp.arguments(VersionWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(NOT_DRAFT, INVALID_DESIGN)
    @blp.response(200, VersionReadSchema, headers=ETAG_HEADER)
    def put(self, data, design_uuid, number):
        """Replace a draft's parameters whole, based on the revision read (If-Match)."""
        version = _version(design_uuid, number)
        return _with_etag(services.save_version(current_study(), version, data["config"]))


@blp.route("/<uuid:design_uuid>/versions/<int:number>/approve")
class VersionApproval(ApiView):
    permissions_registry = {"POST": permissions.APPROVE}

    @blp.arguments(PasswordSchema)
    @blp.errors(NOT_DRAFT, NOT_READY, INVALID_DESIGN, WRONG_PASSWORD)
    @blp.response(200, VersionReadSchema, headers=ETAG_HEADER)
    def post(self, data, design_uuid, number):
        """Approve a draft simulated as it is (the password again): the test environment
        randomizes with it."""
        version = _version(design_uuid, number)
        return _with_etag(services.approve(current_study(), version, data["password"]))


@blp.route("/<uuid:design_uuid>/versions/<int:number>/go-live")
class VersionGoLive(ApiView):
    permissions_registry = {"POST": permissions.APPROVE}

    @blp.errors(NOT_READY)
    @blp.response(200, VersionReadSchema, headers=ETAG_HEADER)
    def post(self, design_uuid, number):
        """Production randomizes with this approved version from now on."""
        return _with_etag(services.go_live(_version(design_uuid, number)))


@blp.route("/<uuid:design_uuid>/versions/<int:number>/simulations/")
class Simulations(ApiView):
    permissions_registry = {"GET": permissions.DESIGN, "POST": permissions.DESIGN}

    @blp.response(200, SimulationReadSchema(many=True))
    @blp.paginate()
    def get(self, design_uuid, number, pagination_parameters):
        return paginate(
            simulations.list_simulations(_version(design_uuid, number)), pagination_parameters
        )

    @blp.arguments(SimulationWriteSchema)
    @blp.errors(NOT_READY)
    @blp.response(201, SimulationReadSchema)
    def post(self, data, design_uuid, number):
        """Simulate trials of the version as it is: done in the answer when small
        (trials x subjects up to 20,000), else queued for a job (read it again)."""
        return simulations.start(_version(design_uuid, number), data, acting_user().id)


@blp.route("/<uuid:design_uuid>/versions/<int:number>/simulations/<uuid:simulation_uuid>")
class SimulationDetail(ApiView):
    permissions_registry = {"GET": permissions.DESIGN}

    @blp.response(200, SimulationReadSchema)
    def get(self, design_uuid, number, simulation_uuid):
        return simulations.get_simulation(_version(design_uuid, number), simulation_uuid)


@blp.route("/<uuid:design_uuid>/versions/<int:number>/lists/<environment>")
class ListParts(ApiView):
    permissions_registry = {"POST": permissions.DESIGN}

    @blp.errors(NOT_DRAFT, NOT_IMPORTED, BAD_FILE)
    @blp.response(201, ListImportReadSchema)
    def post(self, design_uuid, number, environment):
        """Import a part of the environment's list (multipart field ``file``, CSV or XLSX:
        sequence, stratum, and arm or, double-blind, treatment_code): checked whole, it
        counts once the version is approved (test) or live (production)."""
        design = _design(design_uuid)
        version = services.get_version(design, number)
        environment = _environment(environment)
        imports.importable(design, version, imports.LIST)  # refused before the file is read
        name, content = _upload()
        return imports.import_list(current_study(), design, version, environment, name, content)


@blp.route("/<uuid:design_uuid>/versions/<int:number>/keys/<environment>")
class ListKeys(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_KEYS}

    @blp.errors(NOT_DRAFT, NOT_IMPORTED, BAD_FILE)
    @blp.response(201, ListImportReadSchema)
    def post(self, design_uuid, number, environment):
        """Import the key of a double-blind list (multipart ``file``: treatment_code, arm)."""
        design = _design(design_uuid)
        version = services.get_version(design, number)
        environment = _environment(environment)
        imports.importable(design, version, imports.KEY)
        name, content = _upload()
        return imports.import_key(design, version, environment, name, content)


@blp.route("/<uuid:design_uuid>/strata")
class Strata(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(EnvironmentSchema, location="query")
    @blp.response(200, StratumReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, design_uuid, pagination_parameters):
        """Each stratum at the caller's centers: slots used and left, flagged at the
        warning threshold; the counts per arm for unblinded callers."""
        overview = inspection.strata_overview(
            current_study(), _design(design_uuid), filters["environment"]
        )
        return paginate(overview, pagination_parameters)


@blp.route("/<uuid:design_uuid>/slots")
class Slots(ApiView):
    permissions_registry = {"GET": permissions.VIEW_ARMS}

    @blp.arguments(EnvironmentSchema, location="query")
    @blp.response(200, SlotReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, design_uuid, pagination_parameters):
        """The environment's current list, slot by slot (unblinded callers only)."""
        statement = inspection.slots(_design(design_uuid), filters["environment"])
        return paginate(statement, pagination_parameters, rows=True)


@blp.route("/<uuid:design_uuid>/verification")
class Verification(ApiView):
    permissions_registry = {"GET": permissions.VIEW_ARMS}

    @blp.arguments(RequiredEnvironmentSchema, location="query")
    @blp.response(200, ListVerificationReadSchema)
    def get(self, filters, design_uuid):
        """Every list of the environment regenerated from its seed (minimization replayed)
        and every assignment compared with it (unblinded callers only)."""
        return inspection.verify(_design(design_uuid), filters["environment"])
