"""Consents, their signatures and the subject's side as the API reads and writes them."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import SUPPORTED_LANGUAGES, Channel
from plugins.econsent.consents.models import Mode
from plugins.econsent.documents.models import SignerRole

PASSWORD = ma.fields.String(
    required=True,
    load_only=True,
    validate=ma.validate.Length(min=1, max=1000),
    metadata={"description": "The signer's password, asked again"},
)
CHANNEL = ma.fields.String(
    validate=ma.validate.OneOf([Channel.EMAIL.value, Channel.SMS.value]),
    load_default=Channel.EMAIL.value,
)


class ConsentAskSchema(ma.Schema):
    document = ma.fields.UUID(required=True)
    mode = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Mode)))
    channel = CHANNEL
    language = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={"description": "Default: the subject's, if the version has it"},
    )


class ConsentSignatureSchema(ma.Schema):
    """A signature's manifestation (21 CFR 11.50)."""

    role = ma.fields.String()
    printed_name = ma.fields.String()
    signed_at = ma.fields.AwareDateTime()
    statement = ma.fields.String(metadata={"description": "The meaning: what was declared"})


class ConsentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    document = ma.fields.UUID(attribute="version.document.uuid")
    document_code = ma.fields.String(attribute="version.document.code")
    version = ma.fields.Integer(attribute="version.number")
    status = ma.fields.String(
        metadata={"description": "asked, signing, signed, declined, withdrawn, superseded"}
    )
    mode = ma.fields.String()
    language = ma.fields.String()
    reconsent = ma.fields.Boolean()
    next_signer = ma.fields.Function(lambda consent: consent.next_role())
    identity_check = ma.fields.String(allow_none=True)
    answers = ma.fields.Dict()
    optional_choices = ma.fields.Dict()
    signatures = ma.fields.List(ma.fields.Nested(ConsentSignatureSchema))
    signed_at = ma.fields.AwareDateTime(allow_none=True)
    record_sha256 = ma.fields.String(allow_none=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    end_reason = ma.fields.String(allow_none=True)
    withdrawal = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class ConsentLinkSchema(ma.Schema):
    link = ma.fields.String(metadata={"description": "For the QR code shown to the subject"})
    token = ma.fields.String()


class ConsentPasswordSchema(ma.Schema):
    password = PASSWORD


class ConsentReasonSchema(ma.Schema):
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))


class ConsentWithdrawalSchema(ma.Schema):
    covers = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["consent", "optional_parts"]),
        metadata={"description": "The whole consent, or only optional parts (parts)"},
    )
    parts = ma.fields.List(ma.fields.String(), load_default=list)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class ConsentCodeRequestSchema(ma.Schema):
    channel = CHANNEL


class ConsentCodeSentSchema(ma.Schema):
    expires_at = ma.fields.AwareDateTime()


class ConsentCodeSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))


class ConsentSubjectSignSchema(ma.Schema):
    role = ma.fields.String(
        load_default=SignerRole.SUBJECT.value,
        validate=ma.validate.OneOf([SignerRole.SUBJECT.value, SignerRole.REPRESENTATIVE.value]),
    )
    printed_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), load_default=dict
    )


class ConsentSubjectViewSchema(ma.Schema):
    """The consent as the subject reads it."""

    consent = ma.fields.UUID()
    status = ma.fields.String()
    presented = ma.fields.Dict(metadata={"description": "Title, text blocks, signers' statements"})
    answers = ma.fields.Dict()
    next_signer = ma.fields.String(allow_none=True)
    identity_needed = ma.fields.Boolean()
    signatures = ma.fields.List(ma.fields.Nested(ConsentSignatureSchema))
