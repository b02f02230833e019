"""Schemas of the panel's API. Personal data has schemas of its own, used only by its
endpoint (every read audited)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import SUPPORTED_LANGUAGES, BlockSchema
from plugins.subject_repository.filters import PanelFilterSpecSchema
from plugins.subject_repository.models import ConsentPurpose, GdprKind, GdprStatus

PURPOSE = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ConsentPurpose)))


def _text(max_length: int, **options) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=max_length), **options)


class PanelProfileFormReadSchema(ma.Schema):
    blocks = ma.fields.List(ma.fields.Nested(BlockSchema))
    revision = ma.fields.Integer()
    modified_at = ma.fields.AwareDateTime()


class PanelProfileFormWriteSchema(ma.Schema):
    blocks = ma.fields.List(
        ma.fields.Nested(BlockSchema), required=True, validate=ma.validate.Length(max=200)
    )


class VolunteerRegisterSchema(ma.Schema):
    first_name = _text(100, required=True)
    last_name = _text(100, required=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Regexp(r"^\+?[0-9 ().-]{4,40}$"),
    )
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    language = ma.fields.String(load_default="en", validate=ma.validate.OneOf(SUPPORTED_LANGUAGES))
    source = ma.fields.String(load_default="staff", validate=ma.validate.Length(min=1, max=40))


class PanelConsentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    purpose = ma.fields.String()
    given_at = ma.fields.AwareDateTime()
    withdrawn_at = ma.fields.AwareDateTime(allow_none=True)


class VolunteerSummarySchema(ma.Schema):
    """A volunteer in a list: no profile answers (health data among them), which only the
    read of one volunteer gives, audited."""

    uuid = ma.fields.UUID()
    platform_id = ma.fields.String()
    status = ma.fields.String(metadata={"description": "active, or erased"})
    source = ma.fields.String()
    last_activity_at = ma.fields.AwareDateTime()
    review_flagged_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "Flagged by the retention rule: review due"}
    )
    erased_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class VolunteerReadSchema(VolunteerSummarySchema):
    profile = ma.fields.Dict(metadata={"description": "Profile answers by question code"})


class VolunteerListQuerySchema(ma.Schema):
    flagged = ma.fields.Boolean(
        metadata={"description": "Only those the retention rule flagged (true) or not (false)"}
    )
    status = ma.fields.String(validate=ma.validate.OneOf(["active", "erased"]))


class VolunteerPersonalDataSchema(ma.Schema):
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    language = ma.fields.String()


class VolunteerProfileWriteSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=60)),
        required=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "Answers by question code; null clears one"},
    )


class PanelConsentPurposeSchema(ma.Schema):
    purpose = PURPOSE


class PanelParticipationSchema(ma.Schema):
    study = ma.fields.UUID()
    study_reference = ma.fields.String()
    category = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    inclusion_date = ma.fields.Date(allow_none=True)
    started_at = ma.fields.AwareDateTime()
    ended_at = ma.fields.AwareDateTime(allow_none=True)


class VolunteerNoteReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    text = ma.fields.String()
    author = ma.fields.UUID(attribute="author.uuid", allow_none=True)
    created_at = ma.fields.AwareDateTime()


class VolunteerNoteWriteSchema(ma.Schema):
    text = _text(10_000, required=True)


class WashoutEligibilityQuerySchema(ma.Schema):
    study = ma.fields.UUID(required=True)


class WashoutEligibilitySchema(ma.Schema):
    eligible = ma.fields.Boolean()
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why not, when not"})


class PanelSearchSchema(ma.Schema):
    spec = ma.fields.Dict(
        load_default=dict, metadata={"description": "A filter (see the saved filters' spec)"}
    )
    saved_filter = ma.fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "Or a saved filter's uuid"}
    )


class PanelCountSchema(ma.Schema):
    count = ma.fields.Integer()


class PanelFilterReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    spec = ma.fields.Nested(PanelFilterSpecSchema)
    count = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many volunteers it matches now; null once it no longer reads"
            " (a profile question it names was removed)"
        },
    )
    modified_at = ma.fields.AwareDateTime()


class PanelFilterWriteSchema(ma.Schema):
    name = _text(120, required=True)
    spec = ma.fields.Dict(required=True)


class PanelFilterUpdateSchema(ma.Schema):
    name = _text(120)
    spec = ma.fields.Dict()


class GdprInventorySchema(ma.Schema):
    modules = ma.fields.Dict(
        metadata={"description": "By module: each kind of record, its count, and personal"}
    )


class GdprRequestReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    volunteer = ma.fields.UUID(attribute="volunteer.uuid")
    platform_id = ma.fields.String(attribute="volunteer.platform_id")
    kind = ma.fields.String(metadata={"description": "access or erasure"})
    status = ma.fields.String(metadata={"description": "pending, completed, approved or refused"})
    by_subject = ma.fields.Boolean()
    decision_reason = ma.fields.String(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    file = ma.fields.UUID(attribute="file_uuid", allow_none=True)
    created_at = ma.fields.AwareDateTime()


class GdprRequestSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(GdprStatus)))
    kind = ma.fields.String(validate=ma.validate.OneOf(list(GdprKind)))


class GdprAccessRequestSchema(ma.Schema):
    by_subject = ma.fields.Boolean(
        load_default=False, metadata={"description": "Asked by the volunteer (else by staff)"}
    )


class GdprErasureRequestSchema(GdprAccessRequestSchema):
    reason = _text(2000, required=True)


class ErasureApprovalSchema(ma.Schema):
    comment = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=2000)
    )


class ErasureRefusalSchema(ma.Schema):
    reason = _text(2000, required=True)
