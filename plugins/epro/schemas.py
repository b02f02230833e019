"""Questionnaires with their schedule and reminder policy; occurrences, their messages,
answers; the compliance view."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import (
    FAILED_STATES,
    BlockSchema,
    Channel,
    FilledBlocksField,
    FormProgressSchema,
    NotificationState,
    QuestionType,
    ReasonForChangeSchema,
)
from plugins.epro.models import OccurrenceStatus

_CLOCK = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM (24 h).")


class ScheduleSchema(ma.Schema):
    """Days after inclusion (day 0 is the inclusion date): a list, or every N days."""

    days = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(0, 3650)))
    every_days = ma.fields.Integer(validate=ma.validate.Range(1, 3650))
    start_day = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 3650))
    until_day = ma.fields.Integer(validate=ma.validate.Range(0, 3650))
    send_time = ma.fields.String(load_default="09:00", validate=_CLOCK)
    window_hours = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 24 * 365))
    available_hours = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 24 * 365))

    @ma.validates_schema
    def _one_kind(self, data, **_kwargs):
        listed = data.get("days") is not None
        repeated = data.get("every_days") is not None or data.get("until_day") is not None
        if listed == repeated:
            raise ma.ValidationError("Give either days, or every_days with until_day.", "days")
        if listed and not data["days"]:
            raise ma.ValidationError("Give at least one day.", "days")
        if repeated:
            if data.get("every_days") is None or data.get("until_day") is None:
                raise ma.ValidationError("every_days needs until_day, and back.", "until_day")
            if data["until_day"] < data["start_day"]:
                raise ma.ValidationError("until_day comes before start_day.", "until_day")
            if (data["until_day"] - data["start_day"]) // data["every_days"] >= 500:
                raise ma.ValidationError("At most 500 occurrences per subject.", "every_days")
        if data["available_hours"] < data["window_hours"]:
            raise ma.ValidationError(
                "The questionnaire must stay available at least as long as it is on time.",
                "available_hours",
            )

    @ma.post_load
    def _without_unused(self, data, **_kwargs):
        if data.get("days") is not None:
            data.pop("start_day", None)
        return data


class RemindersSchema(ma.Schema):
    every_hours = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(1, 24 * 30)
    )
    max = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 20))
    quiet_start = ma.fields.String(load_default=None, allow_none=True, validate=_CLOCK)
    quiet_end = ma.fields.String(load_default=None, allow_none=True, validate=_CLOCK)

    @ma.validates_schema
    def _complete(self, data, **_kwargs):
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise ma.ValidationError("Quiet hours need a start and an end.", "quiet_end")
        if data.get("quiet_start") is not None and data["quiet_start"] == data["quiet_end"]:
            raise ma.ValidationError("Quiet hours cannot start when they end.", "quiet_end")
        if data.get("max") and not data.get("every_hours"):
            raise ma.ValidationError("Reminders need every_hours.", "every_hours")


class QuestionnaireBlockSchema(BlockSchema):
    @ma.validates_schema
    def _no_upload(self, data, **_kwargs):
        types = [data.get("type"), *(column["type"] for column in data.get("columns", []))]
        if QuestionType.FILE in types:
            raise ma.ValidationError("Subjects cannot upload files in a questionnaire.", "type")


class QuestionnaireWriteSchema(ma.Schema):
    code = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
    )
    title = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        required=True,
        validate=ma.validate.Length(min=1),
    )
    blocks = ma.fields.List(
        ma.fields.Nested(QuestionnaireBlockSchema),
        required=True,
        validate=ma.validate.Length(min=1),
    )
    channels = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(Channel))),
        required=True,
        validate=ma.validate.Length(min=1),
    )
    schedule = ma.fields.Nested(ScheduleSchema, required=True)
    reminders = ma.fields.Nested(RemindersSchema, load_default=dict)
    active = ma.fields.Boolean(load_default=True)

    @ma.post_load
    def _plain(self, data, **_kwargs):
        # Stored as JSON: uuids of blocks as text, channels once each.
        data["blocks"] = [
            {**block, "uuid": str(block["uuid"]) if block.get("uuid") else None}
            for block in data["blocks"]
        ]
        data["channels"] = sorted(set(data["channels"]))
        data.setdefault("reminders", RemindersSchema().load({}))
        return data


class QuestionnaireReadSchema(QuestionnaireWriteSchema):
    uuid = ma.fields.UUID()
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()


class MessageReadSchema(ma.Schema):
    """A message about an occurrence, with the delivery state of its notification."""

    uuid = ma.fields.UUID()
    kind = ma.fields.String()
    notification = ma.fields.UUID(attribute="notification.uuid")
    channel = ma.fields.String(attribute="notification.channel")
    language = ma.fields.String(attribute="notification.language")
    status = ma.fields.String(attribute="notification.state")
    error = ma.fields.String(attribute="notification.reason", allow_none=True)
    attempts = ma.fields.Integer(attribute="notification.attempts")
    created_at = ma.fields.AwareDateTime()
    sent_at = ma.fields.AwareDateTime(attribute="notification.sent_at", allow_none=True)


class LoggedMessageReadSchema(MessageReadSchema):
    """A message in the study's delivery log, with whom and what it was about."""

    occurrence = ma.fields.UUID(attribute="occurrence.uuid")
    subject = ma.fields.UUID(attribute="occurrence.participation.uuid")
    study_subject_id = ma.fields.String(attribute="occurrence.participation.study_subject_id")
    questionnaire_code = ma.fields.String(attribute="occurrence.questionnaire.code")


class MessageSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(NotificationState)))
    channel = ma.fields.String(validate=ma.validate.OneOf(list(Channel)))


class OccurrenceReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    questionnaire = ma.fields.UUID(attribute="questionnaire.uuid")
    questionnaire_code = ma.fields.String(attribute="questionnaire.code")
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    day = ma.fields.Integer()
    status = ma.fields.String()
    opens_at = ma.fields.AwareDateTime()
    due_at = ma.fields.AwareDateTime()
    closes_at = ma.fields.AwareDateTime()
    next_send_at = ma.fields.AwareDateTime(allow_none=True)
    reminders_sent = ma.fields.Integer()
    sent_at = ma.fields.AwareDateTime(allow_none=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    failed_deliveries = ma.fields.Method("_failed")
    messages = ma.fields.List(ma.fields.Nested(MessageReadSchema))

    def _failed(self, occurrence) -> int:
        return sum(m.notification.state in FAILED_STATES for m in occurrence.messages)


class OccurrenceSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(OccurrenceStatus)))
    questionnaire = ma.fields.UUID()
    center = ma.fields.UUID()


class SubjectLinkSchema(ma.Schema):
    link = ma.fields.String(metadata={"description": "What the QR code shows"})
    token = ma.fields.String(metadata={"description": "The Qr-Code header's value"})
    closes_at = ma.fields.AwareDateTime()


class CancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class AnswersWriteSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True
    )


class AnswersCorrectionSchema(AnswersWriteSchema, ReasonForChangeSchema):
    """A staff correction, with its reason here or in the Reason-For-Change header."""


class SubmitSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), load_default=dict
    )


class FilledQuestionnaireSchema(ma.Schema):
    """An occurrence as its form, with answers (what the subject sees)."""

    occurrence = ma.fields.UUID()
    questionnaire = ma.fields.UUID()
    questionnaire_code = ma.fields.String()
    questionnaire_title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    status = ma.fields.String()
    opens_at = ma.fields.AwareDateTime()
    due_at = ma.fields.AwareDateTime()
    closes_at = ma.fields.AwareDateTime()
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    blocks = FilledBlocksField()
    progress = ma.fields.Nested(FormProgressSchema)


class ComplianceRowSchema(ma.Schema):
    questionnaire = ma.fields.UUID()
    code = ma.fields.String()
    title = ma.fields.Dict()
    on_time = ma.fields.Integer()
    late = ma.fields.Integer()
    missed = ma.fields.Integer()
    open = ma.fields.Integer()
    upcoming = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    failed_deliveries = ma.fields.Integer()
    compliance = ma.fields.Float(allow_none=True, metadata={"description": "completed / ended"})


class ComplianceSchema(ma.Schema):
    questionnaires = ma.fields.List(ma.fields.Nested(ComplianceRowSchema))
