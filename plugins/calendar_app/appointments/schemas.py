"""What the appointment endpoints read and write. Times with an offset are taken as
they are; a time without one is a wall-clock time of the tenant's zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from plugins.calendar_app.appointments.models import STATUS_CHANGES, AppointmentStatus

DURATION = ma.validate.Range(min=5, max=24 * 60)
REASON = ma.validate.Length(min=1, max=2000)
UUIDS = ma.validate.Length(max=20)


def _in_calendar(value: dt.datetime) -> None:
    """Beyond these years, moving a time to UTC or adding its duration leaves the calendar."""
    if not 1900 <= value.year <= 2999:
        raise ma.ValidationError("Give a time between the years 1900 and 2999.")


def _moment(**options: Any) -> ma.fields.DateTime:
    return ma.fields.DateTime(validate=_in_calendar, **options)


class _When(ma.Schema):
    starts_at = _moment(required=True)
    duration_minutes = ma.fields.Integer(required=True, validate=DURATION)


class AppointmentWriteSchema(_When):
    subject = ma.fields.UUID(load_default=None, allow_none=True)
    center = ma.fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "Default: the subject's"}
    )
    visit = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The planned visit (its eCRF section) the appointment is for"},
    )
    request = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The appointment request it answers (closed as booked)"},
    )
    title = ma.fields.String(validate=ma.validate.Length(max=200))
    resources = ma.fields.List(ma.fields.UUID(), load_default=list, validate=UUIDS)
    staff = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=UUIDS,
        metadata={"description": "Users of the study's team, present"},
    )


class AppointmentRescheduleSchema(_When):
    reason = ma.fields.String(required=True, validate=REASON)
    resources = ma.fields.List(ma.fields.UUID(), validate=UUIDS)
    staff = ma.fields.List(ma.fields.UUID(), validate=UUIDS)


class AppointmentCancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=REASON)


class AppointmentStatusSchema(ma.Schema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(sorted({s for ends in STATUS_CHANGES.values() for s in ends})),
    )


class AppointmentSearchSchema(ma.Schema):
    subject = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(list(AppointmentStatus)))
    starts_after = _moment()
    starts_before = _moment()


class BookingReadSchema(ma.Schema):
    resource = ma.fields.UUID(attribute="resource.uuid", allow_none=True)
    resource_name = ma.fields.String(attribute="resource.name", allow_none=True)
    user = ma.fields.UUID(attribute="user.uuid", allow_none=True)


class AppointmentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="participation.uuid", allow_none=True)
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id", allow_none=True)
    center = ma.fields.UUID(attribute="center.uuid")
    visit = ma.fields.UUID(attribute="planned_visit.window.section_uuid", allow_none=True)
    title = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    bookings = ma.fields.List(ma.fields.Nested(BookingReadSchema))
