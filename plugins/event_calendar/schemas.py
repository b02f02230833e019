"""What the event endpoints read and write. A time without an offset is a wall-clock
time of the tenant's zone; an all-day event's times are read as its dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from plugins.event_calendar.models import EventKind

TITLE = ma.validate.Length(min=1, max=200)


def _in_calendar(value: dt.datetime) -> None:
    """Beyond these years, moving a time to UTC or to the next midnight leaves the calendar."""
    if not 1900 <= value.year <= 2999:
        raise ma.ValidationError("Give a time between the years 1900 and 2999.")


def _moment(**options: Any) -> ma.fields.DateTime:
    return ma.fields.DateTime(validate=_in_calendar, **options)


class EventWriteSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(EventKind)))
    title = ma.fields.String(required=True, validate=TITLE)
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    all_day = ma.fields.Boolean(load_default=False)
    starts_at = _moment(required=True)
    ends_at = _moment(required=True)


class StudyEventWriteSchema(EventWriteSchema):
    center = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "Seen by the team members who see this center; null: all"},
    )


class EventUpdateSchema(ma.Schema):
    title = ma.fields.String(validate=TITLE)
    description = ma.fields.String(validate=ma.validate.Length(max=5000))
    starts_at = _moment()
    ends_at = _moment()


class EventSearchSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(EventKind)))
    ends_after = _moment()


class EventReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    study = ma.fields.UUID(attribute="study.uuid", allow_none=True)
    center = ma.fields.UUID(attribute="center.uuid", allow_none=True)
    kind = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    all_day = ma.fields.Boolean()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
