"""What the recruitment endpoints read and write."""

from __future__ import annotations

import datetime as dt
import uuid

import marshmallow as ma

from datacapt.toolkit import SUPPORTED_LANGUAGES, BlockSchema, Channel, FilledBlocksField
from plugins.recruitment.models import ApplicationStatus

TEXT = ma.validate.Length(max=20_000)


def _in_calendar(value: dt.date) -> None:
    if not 2000 <= value.year <= 2999:
        raise ma.ValidationError("Give a date between the years 2000 and 2999.")


class RecruitmentUpdateSchema(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String(validate=TEXT)
    criteria = ma.fields.String(validate=TEXT, metadata={"description": "Shown on the page"})
    opens_on = ma.fields.Date(allow_none=True, validate=_in_calendar)
    closes_on = ma.fields.Date(allow_none=True, validate=_in_calendar)
    target = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1, max=100_000),
        metadata={"description": "Participants sought; applicants beyond wait on a list"},
    )
    published = ma.fields.Boolean(metadata={"description": "Its public page is served"})
    blocks = ma.fields.List(
        ma.fields.Nested(BlockSchema),
        validate=ma.validate.Length(max=200),
        metadata={"description": "The application form; exclusion rules pre-screen"},
    )


class RecruitmentWriteSchema(RecruitmentUpdateSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    target = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=100_000)
    )

    @ma.post_load
    def _defaults(self, data, **_kwargs):
        return {
            "description": "",
            "criteria": "",
            "opens_on": None,
            "closes_on": None,
            "published": False,
            "blocks": [],
            **data,
        }


class RecruitmentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    criteria = ma.fields.String()
    opens_on = ma.fields.Date(allow_none=True)
    closes_on = ma.fields.Date(allow_none=True)
    target = ma.fields.Integer()
    published = ma.fields.Boolean()
    blocks = ma.fields.List(ma.fields.Nested(BlockSchema))
    created_at = ma.fields.AwareDateTime()


class RecruitmentPublicPageSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    criteria = ma.fields.String()
    opens_on = ma.fields.Date(allow_none=True)
    closes_on = ma.fields.Date(allow_none=True)
    open = ma.fields.Boolean(metadata={"description": "Whether it takes applications today"})
    blocks = FilledBlocksField()


class RecruitmentApplicantSchema(ma.Schema):
    first_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    last_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Regexp(r"^\+?[0-9 ().-]{4,40}$")
    )
    birth_date = ma.fields.Date(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=dt.date(1900, 1, 1), max=dt.date(2999, 12, 31)),
    )
    language = ma.fields.String(load_default="en", validate=ma.validate.OneOf(SUPPORTED_LANGUAGES))


ANSWERS = ma.fields.Dict(
    keys=ma.fields.String(validate=ma.validate.Length(max=40)),
    values=ma.fields.Raw(allow_none=True),
    load_default=dict,
    metadata={"description": "Answers by question code"},
)


class RecruitmentPublicApplicationSchema(ma.Schema):
    applicant = ma.fields.Nested(RecruitmentApplicantSchema, required=True)
    answers = ANSWERS


class RecruitmentInvitedApplicationSchema(ma.Schema):
    answers = ANSWERS


class RecruitmentSlotSchema(ma.Schema):
    uuid = ma.fields.UUID()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    capacity = ma.fields.Integer()
    booked = ma.fields.Integer()


class RecruitmentPublicSlotSchema(ma.Schema):
    uuid = ma.fields.UUID()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()


class RecruitmentSlotPresetSchema(ma.Schema):
    day = ma.fields.Date(required=True, validate=_in_calendar)
    start = ma.fields.Time(required=True, metadata={"description": "Local time of the tenant"})
    end = ma.fields.Time(required=True)
    every_minutes = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=5, max=24 * 60)
    )
    duration_minutes = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=ma.validate.Range(min=5, max=24 * 60),
        metadata={"description": "Default: every_minutes"},
    )
    capacity = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=1000)
    )


class RecruitmentBookingSchema(ma.Schema):
    slot = ma.fields.UUID(required=True)


class RecruitmentBookingReadSchema(ma.Schema):
    slot = ma.fields.Nested(RecruitmentPublicSlotSchema)
    booked_by = ma.fields.String()
    reminded_at = ma.fields.AwareDateTime(allow_none=True)


class RecruitmentApplicationSummarySchema(ma.Schema):
    uuid = ma.fields.UUID()
    recruitment = ma.fields.UUID(attribute="recruitment.uuid")
    volunteer = ma.fields.UUID(attribute="subject.uuid", metadata={"description": "Panel id"})
    platform_id = ma.fields.String(attribute="subject.platform_id")
    status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    waiting_list = ma.fields.Boolean()
    invited = ma.fields.Function(lambda application: application.invitation_id is not None)
    converted = ma.fields.Function(lambda application: application.participation_id is not None)
    created_at = ma.fields.AwareDateTime()


class RecruitmentApplicationReadSchema(RecruitmentApplicationSummarySchema):
    answers = ma.fields.Dict(metadata={"description": "Pre-screening answers by question code"})


class RecruitmentApplicationSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(ApplicationStatus)))
    waiting_list = ma.fields.Boolean()


class RecruitmentStatusChangeSchema(ma.Schema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(sorted(set(ApplicationStatus) - {ApplicationStatus.APPLIED})),
    )
    reason = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=2000)
    )


class RecruitmentConversionSchema(ma.Schema):
    center = ma.fields.UUID(required=True)


class RecruitmentConvertedSchema(ma.Schema):
    subject = ma.fields.UUID(attribute="uuid", metadata={"description": "In the clinical study"})
    study_subject_id = ma.fields.String()
    status = ma.fields.String()


class RecruitmentApplicantViewSchema(ma.Schema):
    """What an applicant sees of their application from their link."""

    application = ma.fields.UUID()
    title = ma.fields.String()
    status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    waiting_list = ma.fields.Boolean()
    booking = ma.fields.Nested(RecruitmentBookingReadSchema, allow_none=True)
    slots = ma.fields.List(
        ma.fields.Nested(RecruitmentPublicSlotSchema),
        metadata={"description": "The slots with a place left, when a visit can be booked"},
    )


class RecruitmentReceivedSchema(ma.Schema):
    title = ma.fields.String()
    received = ma.fields.Boolean(
        metadata={"description": "The link to follow the application is emailed"}
    )


class RecruitmentAppliedSchema(RecruitmentApplicantViewSchema):
    token = ma.fields.String(
        metadata={"description": "The application's link token (also emailed)"}
    )


class RecruitmentCampaignWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Channel)))
    filter = ma.fields.Dict(
        required=True,
        metadata={"description": 'A panel filter, or {"saved": <saved filter uuid>}'},
    )

    @ma.validates("filter")
    def _saved_is_a_uuid(self, value, **_kwargs):
        if "saved" not in value:
            return
        try:
            uuid.UUID(str(value["saved"]))
        except ValueError as error:
            raise ma.ValidationError("A saved filter is named by its uuid alone.") from error
        if len(value) > 1 or not isinstance(value["saved"], str):
            raise ma.ValidationError("A saved filter is named by its uuid alone.")


class RecruitmentCampaignReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    channel = ma.fields.String()
    filter = ma.fields.Dict()
    created_at = ma.fields.AwareDateTime()
    invited = ma.fields.Integer()
    responded = ma.fields.Integer(metadata={"description": "Opened their link"})
    applied = ma.fields.Integer(metadata={"description": "Applied through their link"})


class RecruitmentInvitationPageSchema(RecruitmentPublicPageSchema):
    applied = ma.fields.Boolean(metadata={"description": "Already applied through the link"})
