"""The signatures endpoints of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.monitoring import permissions
from plugins.monitoring.errors import LOCKED
from plugins.monitoring.signatures import services
from plugins.monitoring.signatures.models import SigningState
from plugins.monitoring.signatures.schemas import (
    SignatureDetailSchema,
    SignatureReadSchema,
    SignatureSearchSchema,
    SignedReadSchema,
    SigningReadSchema,
    SignWriteSchema,
    VerificationSchema,
    WithdrawSchema,
)

blp = Blueprint(
    "monitoring_signatures",
    __name__,
    url_prefix="/api/monitoring/signatures",
    description="Monitoring: signatures",
)


@blp.route("/")
class Signatures(ApiView):
    permissions_registry = {"GET": permissions.SIGNATURES_ACCESS, "POST": permissions.SIGN}

    @blp.arguments(SignatureSearchSchema, location="query")
    @blp.response(200, SignatureReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's signatures (at the centers the caller sees), the latest first."""
        return paginate(services.list_signatures(current_study(), **filters), pagination_parameters)

    @blp.arguments(SignWriteSchema)
    @blp.errors(
        {
            404: "A subject or section named is not in the study, or not at a center the caller"
            " sees; details.subjects or details.sections names them (OBJECT_NOT_FOUND)."
        },
        {
            409: "Some records have nothing entered, or the caller signed them already with this"
            " meaning; details.targets lists them with a reason (SIGNATURE_REFUSED)."
        },
        {
            422: "The password is wrong or the account locked; the failure counts towards the"
            " lockout (WRONG_PASSWORD)."
        },
        LOCKED,
    )
    @blp.response(201, SignedReadSchema)
    @blp.alt_response(
        202, schema=SignedReadSchema, description="Signed by a job: follow it", success=True
    )
    def post(self, data):
        """Sign subjects' sections (visits) and casebooks as the caller, with a meaning,
        under the study's declaration, after giving the password again. Up to 50 records
        are signed now (201, with the signatures); more are signed by a job (202): follow
        it at `/signings/<uuid>`."""
        signed = services.sign(current_study(), data["targets"], data["meaning"], data["password"])
        return signed, 202 if signed.signing.state == SigningState.QUEUED else 201


@blp.route("/<uuid:signature_uuid>")
class SignatureDetail(ApiView):
    permissions_registry = {"GET": permissions.SIGNATURES_ACCESS}

    @blp.response(200, SignatureDetailSchema)
    def get(self, signature_uuid):
        """A signature with its manifestation, what it signed (its snapshot) and what
        changed in that data since (the value signed and the value now)."""
        study = current_study()
        return services.check(study, services.get_signature(study, signature_uuid))


@blp.route("/<uuid:signature_uuid>/verification")
class SignatureVerification(ApiView):
    permissions_registry = {"GET": permissions.SIGNATURES_ACCESS}

    @blp.response(200, VerificationSchema)
    def get(self, signature_uuid):
        """Recompute the signature's hash from its record's current data: whether it still
        holds, and what changed."""
        study = current_study()
        return services.check(study, services.get_signature(study, signature_uuid))


@blp.route("/<uuid:signature_uuid>/withdraw")
class SignatureWithdrawal(ApiView):
    permissions_registry = {"POST": permissions.SIGN}

    @blp.arguments(WithdrawSchema)
    @blp.errors(
        {403: "Only the signer withdraws a signature (SIGNATURE_NOT_SIGNERS)."},
        {409: "The signature was withdrawn already (SIGNATURE_WITHDRAWN)."},
        LOCKED,
    )
    @blp.response(200, SignatureReadSchema)
    def post(self, data, signature_uuid):
        """The signer withdraws their signature, saying why (kept on it and audited)."""
        signature = services.get_signature(current_study(), signature_uuid)
        return services.withdraw(current_study(), signature, data["reason"])


@blp.route("/signings/<uuid:signing_uuid>")
class SigningDetail(ApiView):
    permissions_registry = {"GET": permissions.SIGNATURES_ACCESS}

    @blp.response(200, SigningReadSchema)
    def get(self, signing_uuid):
        """The caller's signing and how far it got: records signed, those skipped because
        their data changed after the request (another's signing is not found)."""
        return services.get_signing(current_study(), signing_uuid)
