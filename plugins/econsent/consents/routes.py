"""Consents, in the study named by the Study-Uuid header: asked of a subject, their link
handed out for a QR code, identity attested, signed by the witness and countersigned by
the investigator (password confirmed), declined or withdrawn, the signed record
downloaded. Subjects, without a login: the consent their link's token (Consent-Token)
opens."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from datacapt.toolkit import (
    RATE_LIMITED,
    REASON_FOR_CHANGE,
    ApiView,
    Blueprint,
    Header,
    current_study,
    paginate,
)
from plugins.econsent import permissions, records
from plugins.econsent.consents import public, services
from plugins.econsent.consents.models import Consent
from plugins.econsent.consents.schemas import (
    ConsentAskSchema,
    ConsentCodeRequestSchema,
    ConsentCodeSchema,
    ConsentCodeSentSchema,
    ConsentLinkSchema,
    ConsentPasswordSchema,
    ConsentReadSchema,
    ConsentReasonSchema,
    ConsentSubjectSignSchema,
    ConsentSubjectViewSchema,
    ConsentWithdrawalSchema,
)
from plugins.econsent.documents.models import SignerRole
from plugins.econsent.documents.services import get_document
from plugins.subjects.api import get_subject

NOT_OPEN = {409: "The consent is not open to this (CONSENT_NOT_OPEN)."}
OUT_OF_ORDER = {409: "Another signer signs first; details.expected (CONSENT_SIGNER_OUT_OF_ORDER)."}
WRONG_PASSWORD = {422: "The password is wrong (WRONG_PASSWORD)."}
ALTERED = {409: "The stored record is not the one hashed at signing (CONSENT_RECORD_ALTERED)."}

blp = Blueprint(
    "econsent_consents",
    __name__,
    url_prefix="/api/econsent",
    description="eConsent: subjects' consents, signatures and signed records",
)
public_blp = Blueprint(
    "econsent_public",
    __name__,
    url_prefix="/api/econsent/public",
    description="eConsent for subjects: the consent a link opens (token in Consent-Token)",
)


def _consent(consent_uuid: Any) -> Consent:
    return services.get_consent(current_study(), consent_uuid)


def _pdf(content: bytes, consent: Consent) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{records.record_name(consent)}"'},
    )


@blp.route("/subjects/<uuid:subject_uuid>/consents")
class SubjectConsents(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.OBTAIN_CONSENT}

    @blp.response(200, ConsentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, subject_uuid):
        """Every consent asked of the subject, oldest first: what they signed, when, with
        whom, and whether a re-consent is pending."""
        participation = get_subject(current_study(), subject_uuid)
        return paginate(services.list_consents(participation), pagination_parameters)

    @blp.arguments(ConsentAskSchema)
    @blp.errors(
        {
            409: "The subject has this document open already (CONSENT_ALREADY_ASKED), or no"
            " published version applies at their center (CONSENT_NO_VERSION_APPLIES)."
        },
        {422: "The subject has no address for the channel (CONSENT_NO_CONTACT)."},
    )
    @blp.response(201, ConsentReadSchema)
    def post(self, data, subject_uuid):
        """Ask the subject to consent to the document's version at their center: remote
        (the link sent by email or SMS) or in person (then hand out the link)."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        return services.ask(participation, get_document(study, data["document"]), data)


@blp.route("/consents/")
class Consents(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ConsentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's consents at the caller's centers."""
        return paginate(services.consents_of_study(current_study()), pagination_parameters)


@blp.route("/consents/<uuid:consent_uuid>")
class ConsentDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ConsentReadSchema)
    def get(self, consent_uuid):
        return _consent(consent_uuid)


@blp.route("/consents/<uuid:consent_uuid>/link")
class ConsentLink(ApiView):
    permissions_registry = {"POST": permissions.OBTAIN_CONSENT}

    @blp.errors(NOT_OPEN)
    @blp.response(200, ConsentLinkSchema)
    def post(self, consent_uuid):
        """The subject's link of an in-person consent, for the QR code shown to them (the
        frontend draws it); handing it out is audited."""
        return services.hand_out_link(_consent(consent_uuid))


@blp.route("/consents/<uuid:consent_uuid>/attestation")
class ConsentAttestation(ApiView):
    permissions_registry = {"POST": permissions.OBTAIN_CONSENT}

    @blp.arguments(ConsentPasswordSchema)
    @blp.errors(NOT_OPEN, WRONG_PASSWORD)
    @blp.response(200, ConsentReadSchema)
    def post(self, data, consent_uuid):
        """Attest, with your password, the identity of the subject in front of you."""
        return services.attest(_consent(consent_uuid), data["password"])


@blp.route("/consents/<uuid:consent_uuid>/witness-signature")
class WitnessSignature(ApiView):
    permissions_registry = {"POST": permissions.OBTAIN_CONSENT}

    @blp.arguments(ConsentPasswordSchema)
    @blp.errors(NOT_OPEN, OUT_OF_ORDER, WRONG_PASSWORD)
    @blp.response(200, ConsentReadSchema)
    def post(self, data, consent_uuid):
        """Sign as the impartial witness, in turn, password confirmed."""
        consent = _consent(consent_uuid)
        return services.sign_as_staff(consent, SignerRole.WITNESS, data["password"])


@blp.route("/consents/<uuid:consent_uuid>/countersignature")
class Countersignature(ApiView):
    permissions_registry = {"POST": permissions.COUNTERSIGN}

    @blp.arguments(ConsentPasswordSchema)
    @blp.errors(NOT_OPEN, OUT_OF_ORDER, WRONG_PASSWORD)
    @blp.response(200, ConsentReadSchema)
    def post(self, data, consent_uuid):
        """Countersign as the investigator, last, password confirmed: the signed record
        is made and its copy sent to the subject."""
        consent = _consent(consent_uuid)
        return services.sign_as_staff(consent, SignerRole.INVESTIGATOR, data["password"])


@blp.route("/consents/<uuid:consent_uuid>/decline")
class ConsentDecline(ApiView):
    permissions_registry = {"POST": permissions.OBTAIN_CONSENT}

    @blp.arguments(ConsentReasonSchema)
    @blp.errors(NOT_OPEN)
    @blp.response(200, ConsentReadSchema)
    def post(self, data, consent_uuid):
        """Record that the subject does not consent."""
        return services.decline(_consent(consent_uuid), data["reason"])


@blp.route("/consents/<uuid:consent_uuid>/withdrawal")
class ConsentWithdrawal(ApiView):
    permissions_registry = {"POST": permissions.OBTAIN_CONSENT}

    @blp.arguments(ConsentWithdrawalSchema)
    @blp.errors(
        {409: "Only a signed consent is withdrawn (CONSENT_NOT_OPEN)."},
        {422: "The parts are not optional parts of it (CONSENT_ANSWERS_REFUSED)."},
    )
    @blp.response(200, ConsentReadSchema)
    def post(self, data, consent_uuid):
        """Record the subject's withdrawal: the whole consent (the subjects module sees
        it) or only some optional parts."""
        return services.withdraw(_consent(consent_uuid), data)


@blp.route("/consents/<uuid:consent_uuid>/record")
class ConsentRecord(ApiView):
    permissions_registry = {"GET": permissions.VIEW_RECORDS}

    @blp.errors(ALTERED)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/pdf",
        description="The signed record (PDF/A)",
    )
    def get(self, consent_uuid):
        """Download the signed record, checked against its SHA-256; audited."""
        consent = _consent(consent_uuid)
        return _pdf(records.checked_content(consent), consent)


CONSENT_TOKEN = Header(
    public.TOKEN_HEADER,
    "The token of the subject's consent link",
    required=True,
    errors={
        401: "The link opens nothing (CONSENT_LINK_INVALID).",
        410: "The consent is closed (CONSENT_LINK_CLOSED).",
        429: "Too many links that opened nothing from this address (CONSENT_TOO_MANY_ATTEMPTS).",
    },
)


def _token() -> str | None:
    return request.headers.get(public.TOKEN_HEADER)


@public_blp.route("/consent")
class SubjectConsent(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN)
    @public_blp.response(200, ConsentSubjectViewSchema)
    def get(self):
        """The consent the token opens: the text to read, the questions, who signs."""
        return public.read(_token())


@public_blp.route("/consent/code")
class SubjectCode(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN)
    @public_blp.arguments(ConsentCodeRequestSchema)
    @public_blp.errors(
        RATE_LIMITED, {422: "No address of the subject's for the channel (CONSENT_NO_CONTACT)."}
    )
    @public_blp.response(200, ConsentCodeSentSchema)
    def post(self, data):
        """Send a one-time code to the subject's email or phone (the one before ends)."""
        return public.send_code(_token(), data["channel"])


@public_blp.route("/consent/identity")
class SubjectIdentity(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN)
    @public_blp.arguments(ConsentCodeSchema)
    @public_blp.errors(
        RATE_LIMITED,
        {422: "The code is wrong, expired or used up; details.reason (CONSENT_CODE_INVALID)."},
    )
    @public_blp.response(200, ConsentSubjectViewSchema)
    def post(self, data):
        """Prove who you are with the code received."""
        return public.verify_code(_token(), data["code"])


@public_blp.route("/consent/signature")
class SubjectSignature(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN)
    @public_blp.arguments(ConsentSubjectSignSchema)
    @public_blp.errors(
        OUT_OF_ORDER,
        {409: "The identity is not checked yet (CONSENT_IDENTITY_NOT_VERIFIED)."},
        {422: "Answers missing or not right, each under its code (CONSENT_ANSWERS_REFUSED)."},
    )
    @public_blp.response(200, ConsentSubjectViewSchema)
    def post(self, data):
        """Sign as the subject (with the answers) or, after them, as their legally
        authorized representative."""
        return public.sign(_token(), data)


@public_blp.route("/consent/decline")
class SubjectDecline(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN)
    @public_blp.arguments(ConsentReasonSchema)
    @public_blp.errors({409: "The identity is not checked yet (CONSENT_IDENTITY_NOT_VERIFIED)."})
    @public_blp.response(200, ConsentSubjectViewSchema)
    def post(self, data):
        """Do not consent (once your identity is checked, as for signing)."""
        return public.decline_by_subject(_token(), data["reason"])


@public_blp.route("/consent/record")
class SubjectRecord(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSENT_TOKEN, REASON_FOR_CHANGE)
    @public_blp.errors(ALTERED)
    @public_blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/pdf",
        description="The subject's copy of the signed record",
    )
    def get(self):
        """Your copy of the signed consent, once everyone signed."""
        content, consent = public.copy(_token())
        return _pdf(content, consent)
