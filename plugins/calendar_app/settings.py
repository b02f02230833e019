"""The calendar's settings in each study (``GET/PATCH /api/plugins/calendar_app/study-settings``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import marshmallow as ma

from datacapt.toolkit import Study, study_settings

#: "1d" (the same local time N days before), "2h" or "30m" (that long before).
OFFSET = re.compile(r"^([1-9][0-9]{0,2})([dhm])$")


def parse_offset(offset: str) -> tuple[int, str]:
    match = OFFSET.match(offset)
    if match is None:
        raise ValueError(offset)
    return int(match.group(1)), match.group(2)


def reminder_time(starts_at: dt.datetime, offset: str, zone: dt.tzinfo) -> dt.datetime:
    """When a reminder ``offset`` before ``starts_at`` is due (UTC). Days count in the
    tenant's zone: "1d" before 09:00 is 09:00 the day before, whether or not the clocks
    changed in between; hours and minutes are elapsed time."""
    amount, unit = parse_offset(offset)
    if unit == "d":
        local = starts_at.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=amount)
        return local.replace(tzinfo=zone).astimezone(dt.UTC)
    delta = dt.timedelta(hours=amount) if unit == "h" else dt.timedelta(minutes=amount)
    return starts_at.astimezone(dt.UTC) - delta


def _check_offset(offset: str) -> None:
    if OFFSET.match(offset) is None:
        raise ma.ValidationError('An offset is a number and d, h or m: "1d", "2h", "30m".')


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    reminder_offsets = ma.fields.List(
        ma.fields.String(validate=_check_offset),
        load_default=lambda: ["1d", "2h"],
        validate=ma.validate.Length(max=5),
        metadata={
            "description": 'How long before an appointment its reminders go: "1d" (the same'
            ' local time the day before), "2h", "30m"; none: no reminder'
        },
    )
    deviation_queries = ma.fields.Boolean(
        load_default=True,
        metadata={
            "description": "A visit done out of its window raises a protocol-deviation"
            " query, where the monitoring plugin is enabled"
        },
    )


def calendar_settings(study: Study) -> dict[str, Any]:
    return study_settings("calendar_app", study)
