"""Schemas of the enrollment targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

_SUBJECTS: dict[str, Any] = {
    "validate": ma.validate.Range(min=1, max=1_000_000),
    "metadata": {"description": "How many subjects to include"},
}
_TARGET_DATE: dict[str, Any] = {
    "allow_none": True,
    "validate": ma.validate.Range(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
    "metadata": {"description": "By when (null: no date)"},
}


class EnrollmentTargetReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    center = ma.fields.UUID(
        attribute="center_uuid",
        allow_none=True,
        metadata={"description": "The center whose target it is (null: the study's)"},
    )
    center_code = ma.fields.String(allow_none=True)
    subjects = ma.fields.Integer()
    target_date = ma.fields.Date(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()


class EnrollmentTargetWriteSchema(ma.Schema):
    center = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "A center of the study (null or absent: the study's own)"},
    )
    subjects = ma.fields.Integer(required=True, strict=True, **_SUBJECTS)
    target_date = ma.fields.Date(load_default=None, **_TARGET_DATE)


class EnrollmentTargetUpdateSchema(ma.Schema):
    subjects = ma.fields.Integer(strict=True, **_SUBJECTS)
    target_date = ma.fields.Date(**_TARGET_DATE)
