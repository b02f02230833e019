"""What the subject_accounts endpoints read and write."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from datacapt.toolkit import SUPPORTED_LANGUAGES
from plugins.subject_repository.api import ConsentPurpose

TOKEN = ma.validate.Length(min=1, max=200)
EMAIL = ma.validate.Length(min=3, max=254)
# Long enough for any policy-abiding password, short enough that hashing stays cheap.
PASSWORD = ma.validate.Length(max=1024)
NAME = ma.validate.Length(min=1, max=100)


def _sensible_birth_date(value: dt.date) -> None:
    if not dt.date(1900, 1, 1) <= value <= dt.date.today():
        raise ma.ValidationError("Give a birth date between 1900 and today.")


def _future_year(value: dt.datetime) -> None:
    if not 2000 <= value.year <= 2999:
        raise ma.ValidationError("Give a time between the years 2000 and 2999.")


# Staff: registration links


class RegistrationLinkWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    study = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The study whose recruitment campaign the link is for; null: the panel"
        },
    )
    expires_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=_future_year)


class RegistrationLinkUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    active = ma.fields.Boolean()
    expires_at = ma.fields.AwareDateTime(allow_none=True, validate=_future_year)


class RegistrationLinkReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    study = ma.fields.UUID(allow_none=True)
    active = ma.fields.Boolean()
    expires_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    url = ma.fields.String(metadata={"description": "The public registration page with its token"})


class RegistrationQrCodeReadSchema(ma.Schema):
    url = ma.fields.String()
    svg = ma.fields.String(metadata={"description": "The QR code of the URL, an SVG document"})


# Public: registration, verification, login


class SubjectAccountSignUpWriteSchema(ma.Schema):
    token = ma.fields.String(
        required=True, validate=TOKEN, metadata={"description": "The registration link's token"}
    )
    first_name = ma.fields.String(required=True, validate=NAME)
    last_name = ma.fields.String(required=True, validate=NAME)
    email = ma.fields.Email(required=True, validate=EMAIL)
    password = ma.fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=PASSWORD,
        metadata={"description": "Under the staff policy; none: log in by emailed links"},
    )
    phone = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=40)
    )
    birth_date = ma.fields.Date(load_default=None, allow_none=True, validate=_sensible_birth_date)
    language = ma.fields.String(load_default="en", validate=ma.validate.OneOf(SUPPORTED_LANGUAGES))
    consents = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(ConsentPurpose))),
        load_default=list,
        validate=ma.validate.Length(max=len(ConsentPurpose)),
        metadata={"description": "The purposes consented to, given once the email is verified"},
    )


class SubjectAccountAcceptedSchema(ma.Schema):
    status = ma.fields.String(
        metadata={"description": "accepted: an email is on its way if it applies"}
    )


class SubjectAccountLinkTokenWriteSchema(ma.Schema):
    token = ma.fields.String(required=True, validate=TOKEN)


class SubjectAccountVerifyWriteSchema(SubjectAccountLinkTokenWriteSchema):
    password = ma.fields.String(
        load_only=True,
        validate=PASSWORD,
        metadata={"description": "The password chosen at sign-up, if one was"},
    )


class SubjectAccountLoginWriteSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=EMAIL)
    password = ma.fields.String(required=True, load_only=True, validate=PASSWORD)


class SubjectAccountLoginLinkWriteSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=EMAIL)


class SubjectAccountReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="subject.uuid")
    platform_id = ma.fields.String(attribute="subject.platform_id")
    email = ma.fields.String()
    language = ma.fields.String()
    status = ma.fields.String()
    email_verified_at = ma.fields.DateTime(allow_none=True)
    has_password = ma.fields.Function(lambda account: account.password_hash is not None)


class SubjectAccountSessionReadSchema(ma.Schema):
    token = ma.fields.String(
        metadata={"description": "Authorization: Bearer <token> in the volunteer's realm only"}
    )
    expires_at = ma.fields.DateTime()
    idle_timeout_minutes = ma.fields.Integer()
    account = ma.fields.Nested(SubjectAccountReadSchema)


# The volunteer's own data


class SubjectAccountPasswordWriteSchema(ma.Schema):
    current_password = ma.fields.String(
        load_default=None, allow_none=True, load_only=True, validate=PASSWORD
    )
    new_password = ma.fields.String(required=True, load_only=True, validate=PASSWORD)


class SubjectAccountProfileWriteSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=100)), required=True
    )


class SubjectAccountProfileReadSchema(ma.Schema):
    answers = ma.fields.Dict()


class SubjectAccountConsentReadSchema(ma.Schema):
    purpose = ma.fields.String()
    given = ma.fields.Function(lambda consent: consent.withdrawn_at is None)
    given_at = ma.fields.DateTime()
    withdrawn_at = ma.fields.DateTime(allow_none=True)


class SubjectAccountPurposeWriteSchema(ma.Schema):
    purpose = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ConsentPurpose)))


class SubjectAccountGdprRequestWriteSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(["access", "erasure"]))
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class SubjectAccountGdprRequestReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    kind = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()


class SubjectAccountQuestionnaireReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.String(metadata={"description": "In the volunteer's language"})
    status = ma.fields.String()
    opens_at = ma.fields.DateTime()
    due_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    completed_at = ma.fields.DateTime(allow_none=True)


class SubjectAccountAppointmentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    status = ma.fields.String()
    center = ma.fields.String(metadata={"description": "The site's name"})


class SubjectAccountPaymentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    kind = ma.fields.String(metadata={"description": "visit, completion, pro_rata, travel"})
    amount = ma.fields.Decimal(as_string=True)
    currency = ma.fields.String()
    status = ma.fields.String()
    paid_at = ma.fields.DateTime(allow_none=True)
