"""Signing (what to sign, the meaning, the password again), signatures with their
manifestation, their verification, withdrawal, and the signings that follow a job."""

from __future__ import annotations

import marshmallow as ma

from plugins.monitoring.signatures.models import Meaning, SignatureState, SigningState

#: The most records one signing may ask for.
MAX_TARGETS = 5000


class TargetSchema(ma.Schema):
    subject = ma.fields.UUID(required=True)
    section = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The section (visit) signed; null or absent: the casebook"},
    )


class SignWriteSchema(ma.Schema):
    targets = ma.fields.List(
        ma.fields.Nested(TargetSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_TARGETS),
        metadata={"description": "Each a subject's section, or (no section) casebook"},
    )
    meaning = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Meaning)))
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=1, max=1000),
        metadata={"description": "The signer's password, asked again for each signing"},
    )

    @ma.validates_schema
    def _each_once(self, data, **_kwargs):
        keys = [(t["subject"], t["section"]) for t in data.get("targets", [])]
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("Each record is named once.", "targets")


class WithdrawSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))


class SignatureSearchSchema(ma.Schema):
    subject = ma.fields.UUID()
    state = ma.fields.String(validate=ma.validate.OneOf(list(SignatureState)))
    signer = ma.fields.UUID(metadata={"description": "The signer's user uuid"})
    signing = ma.fields.UUID(metadata={"description": "The signing that gave them"})


class ManifestationSchema(ma.Schema):
    """What every read of signed data shows of a signature (21 CFR 11.50)."""

    uuid = ma.fields.UUID()
    scope = ma.fields.String(metadata={"description": "section or casebook"})
    printed_name = ma.fields.String(metadata={"description": "The signer's name at signing"})
    signed_at = ma.fields.AwareDateTime()
    meaning = ma.fields.String()


class SignatureReadSchema(ManifestationSchema):
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    section = ma.fields.UUID(
        attribute="section_uuid",
        allow_none=True,
        metadata={"description": "The signed section; null for a casebook"},
    )
    signer = ma.fields.UUID(attribute="signer.uuid")
    declaration = ma.fields.String()
    hash = ma.fields.String(metadata={"description": "SHA-256 of the snapshot's canonical JSON"})
    state = ma.fields.String(metadata={"description": "valid, broken or withdrawn"})
    broken_at = ma.fields.AwareDateTime(allow_none=True)
    withdrawn_at = ma.fields.AwareDateTime(allow_none=True)
    withdrawal_reason = ma.fields.String(allow_none=True)
    signing = ma.fields.UUID(attribute="signing.uuid")


class ChangeSchema(ma.Schema):
    """An answer that differs from what was signed."""

    code = ma.fields.String()
    instance = ma.fields.String(
        metadata={"description": "The zone of a section filled once per zone; empty otherwise"}
    )
    section = ma.fields.UUID(allow_none=True)
    signed = ma.fields.Boolean(metadata={"description": "Whether it was answered when signed"})
    value_signed = ma.fields.Raw(allow_none=True)
    value_now = ma.fields.Raw(allow_none=True)
    audit_sequence = ma.fields.Integer(
        allow_none=True, metadata={"description": "Its latest audit record now (none: deleted)"}
    )


class SignatureDetailSchema(SignatureReadSchema):
    """One signature with what it signed and what changed in it since."""

    snapshot = ma.fields.Dict(metadata={"description": "The canonical content the hash covers"})
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema))


class VerificationSchema(ma.Schema):
    signature = ma.fields.UUID(attribute="signature.uuid")
    state = ma.fields.String()
    holds = ma.fields.Boolean(
        metadata={"description": "The hash recomputed from the record's current data matches"}
    )
    hash = ma.fields.String(metadata={"description": "The stored hash"})
    computed_hash = ma.fields.String()
    snapshot_intact = ma.fields.Boolean(
        metadata={"description": "The stored snapshot still hashes to the stored hash"}
    )
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema))


class SkippedSchema(ma.Schema):
    subject = ma.fields.UUID()
    section = ma.fields.UUID(allow_none=True)
    reason = ma.fields.String(metadata={"description": "changed: its data changed after asking"})


class SigningReadSchema(ma.Schema):
    """One act of signing and how far it got."""

    uuid = ma.fields.UUID()
    state = ma.fields.String(
        metadata={"description": ", ".join(SigningState) + " (a job's signing is followed here)"}
    )
    signer = ma.fields.UUID(attribute="signer.uuid")
    printed_name = ma.fields.String()
    meaning = ma.fields.String()
    total = ma.fields.Integer()
    signed = ma.fields.Integer()
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema))
    created_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class SignedReadSchema(ma.Schema):
    """A signing just asked for, with the signatures given in the request (none yet when a
    job signs: follow the signing)."""

    signing = ma.fields.Nested(SigningReadSchema)
    signatures = ma.fields.List(ma.fields.Nested(SignatureReadSchema))
