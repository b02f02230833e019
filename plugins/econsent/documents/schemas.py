"""Consent documents and versions as the API reads and writes them."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa

from datacapt.toolkit import SUPPORTED_LANGUAGES, BlockSchema, StudyCenter, db
from plugins.econsent.documents.models import SIGNING_ORDER, ConsentVersion, SignerRole

CODE = ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")


def _translations(**options) -> ma.fields.Dict:
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), **options)


class ConsentSignerSchema(ma.Schema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(list(SignerRole)))
    statement = _translations(
        required=True,
        metadata={"description": "What the signer declares by signing, in each language"},
    )


class ConsentVersionWriteSchema(ma.Schema):
    languages = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(SUPPORTED_LANGUAGES)),
        required=True,
        validate=ma.validate.Length(min=1),
    )
    centers = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        metadata={"description": "The study centers it applies to; empty: all of them"},
    )
    ethics_reference = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=200)
    )
    ethics_date = ma.fields.Date(load_default=None, allow_none=True)
    blocks = ma.fields.List(
        ma.fields.Nested(BlockSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "The form (docs/forms.md): static text and questions"},
    )
    correct_answers = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        load_default=dict,
        metadata={"description": "Comprehension: the answer each question must have"},
    )
    optional_parts = ma.fields.List(
        ma.fields.String(),
        load_default=list,
        metadata={"description": "Codes of the yes/no questions that are optional parts"},
    )
    signers = ma.fields.List(
        ma.fields.Nested(ConsentSignerSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=len(SIGNING_ORDER)),
        metadata={
            "description": "In signing order: subject, then representative, witness,"
            " investigator (those that sign); subject and investigator always"
        },
    )


def _center_uuids(version: ConsentVersion) -> list[str]:
    if not version.center_ids:
        return []
    return [
        str(center)
        for center in db.session.execute(
            sa.select(StudyCenter.uuid).where(StudyCenter.id.in_(version.center_ids))
        ).scalars()
    ]


class ConsentVersionReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    number = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "draft, published, superseded, archived"})
    languages = ma.fields.List(ma.fields.String())
    centers = ma.fields.Function(_center_uuids, metadata={"description": "Empty: all"})
    ethics_reference = ma.fields.String(allow_none=True)
    ethics_date = ma.fields.Date(allow_none=True)
    blocks = ma.fields.List(ma.fields.Dict())
    correct_answers = ma.fields.Dict()
    optional_parts = ma.fields.List(ma.fields.String())
    signers = ma.fields.List(ma.fields.Nested(ConsentSignerSchema))
    published_at = ma.fields.AwareDateTime(allow_none=True)


class ConsentDocumentWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    title = _translations(required=True, validate=ma.validate.Length(min=1))
    version = ma.fields.Nested(ConsentVersionWriteSchema, required=True)


class ConsentDocumentUpdateSchema(ma.Schema):
    title = _translations(required=True, validate=ma.validate.Length(min=1))


class ConsentDocumentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    title = ma.fields.Dict()
    versions = ma.fields.List(ma.fields.Nested(ConsentVersionReadSchema))


class ConsentTextChangeSchema(ma.Schema):
    language = ma.fields.String()
    diff = ma.fields.List(
        ma.fields.String(), metadata={"description": "Unified diff lines of the text shown"}
    )


class ConsentChangesSchema(ma.Schema):
    """What a version changes from the one published before it."""

    previous = ma.fields.Integer(allow_none=True, metadata={"description": "Its number"})
    changes = ma.fields.List(ma.fields.Nested(ConsentTextChangeSchema))


class ReconsentSubjectSchema(ma.Schema):
    subject = ma.fields.UUID()
    study_subject_id = ma.fields.String()
    consent = ma.fields.UUID()


class ConsentPublicationSchema(ConsentChangesSchema):
    """The version published, what changed and whom it went to for re-consent."""

    version = ma.fields.Nested(ConsentVersionReadSchema)
    reconsent = ma.fields.List(ma.fields.Nested(ReconsentSubjectSchema))
