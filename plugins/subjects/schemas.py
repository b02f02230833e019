"""Schemas of subjects. Personal data has schemas of its own, used only by its endpoint."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from datacapt.toolkit import offered_language
from plugins.subjects.models import SubjectStatus
from plugins.subjects.services import DEFAULT_PATTERN, id_pattern_problem


class SubjectReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    platform_id = ma.fields.String(attribute="subject.platform_id")
    study_subject_id = ma.fields.String()
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    status = ma.fields.String()
    inclusion_date = ma.fields.Date(allow_none=True)
    end_reason = ma.fields.String(allow_none=True)
    consent_status = ma.fields.String(
        allow_none=True,
        metadata={"description": "pending, given, declined or withdrawn; null: none recorded"},
    )
    created_at = ma.fields.AwareDateTime()


class SubjectSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(SubjectStatus)))
    center = ma.fields.UUID()
    search = ma.fields.String(metadata={"description": "Part of the study subject id"})


class PersonalDataSchema(ma.Schema):
    first_name = ma.fields.String(validate=ma.validate.Length(max=100))
    last_name = ma.fields.String(validate=ma.validate.Length(max=100))
    email = ma.fields.Email(allow_none=True)
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(r"^\+?[0-9 ().-]{4,40}$"))
    birth_date = ma.fields.Date(allow_none=True)
    language = ma.fields.String(validate=offered_language)


class SubjectWriteSchema(ma.Schema):
    center = ma.fields.UUID(required=True)
    personal_data = ma.fields.Nested(PersonalDataSchema, load_default=dict)


class SubjectUpdateSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(list(SubjectStatus)))
    inclusion_date = ma.fields.Date(
        validate=ma.validate.Range(dt.date(1900, 1, 1), dt.date(2999, 12, 31))
    )
    end_reason = ma.fields.String(validate=ma.validate.Length(min=1, max=2000))


def _valid_id_pattern(pattern: str) -> None:
    problem = id_pattern_problem(pattern)
    if problem is not None:
        raise ma.ValidationError([problem])


class SubjectStudySettingsSchema(ma.Schema):
    """The module's settings in each study (`/api/plugins/subjects/study-settings`)."""

    id_pattern = ma.fields.String(
        load_default=DEFAULT_PATTERN,
        validate=[ma.validate.Length(min=1, max=100), _valid_id_pattern],
        metadata={
            "description": "How subjects added from now on are named: {center}, {seq}, {study}"
        },
    )
