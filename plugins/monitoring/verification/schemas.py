"""Schemas of verification: items, bulk results, plans, progress."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from plugins.monitoring.verification.models import PlanKind

_TITLE = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class VerificationReadSchema(ma.Schema):
    """A verified item."""

    subject = ma.fields.UUID(attribute="participation.uuid")
    code = ma.fields.String()
    instance = ma.fields.String(
        metadata={"description": "The zone of a section filled once per zone; empty otherwise"}
    )
    verified_by = ma.fields.UUID(metadata={"description": "The user who verified it"})
    verified_by_name = ma.fields.String(metadata={"description": "Their name at the time"})
    verified_at = ma.fields.AwareDateTime()


class ItemStateSchema(ma.Schema):
    verified = ma.fields.Boolean()
    verified_by = ma.fields.UUID(allow_none=True)
    verified_by_name = ma.fields.String(allow_none=True)
    verified_at = ma.fields.AwareDateTime(allow_none=True)
    required = ma.fields.Boolean(metadata={"description": "Whether the subject's plan requires it"})


class SectionVerificationSchema(ma.Schema):
    """A subject's section: each source-data question (calculated ones are not), by code."""

    plan = ma.fields.UUID(allow_none=True, metadata={"description": "The plan of the subject"})
    selected = ma.fields.Boolean(metadata={"description": "Whether the plan selected them"})
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ItemStateSchema))


class BulkVerificationSchema(ma.Schema):
    verified = ma.fields.Integer(metadata={"description": "Items verified now"})
    already_verified = ma.fields.Integer(metadata={"description": "Items verified before"})


class PlanReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    kind = ma.fields.String()
    center = ma.fields.UUID(
        attribute="center_uuid",
        allow_none=True,
        metadata={"description": "The center whose plan it is (null: the study's)"},
    )
    center_code = ma.fields.String(allow_none=True)
    effective_from = ma.fields.Date()
    codes = ma.fields.List(ma.fields.String())
    percentage = ma.fields.Integer(allow_none=True)
    subject_count = ma.fields.Integer(allow_none=True)
    seed = ma.fields.String(
        allow_none=True,
        metadata={"description": "A random plan's seed (hex): its sample is drawn again from it"},
    )
    created_at = ma.fields.AwareDateTime()


# The fields each kind takes beyond the common ones.
_KIND_FIELDS = {
    PlanKind.ALL_ITEMS: set(),
    PlanKind.FLAGGED_ITEMS: {"codes"},
    PlanKind.RANDOM_SUBJECTS: {"percentage"},
    PlanKind.FIRST_SUBJECTS: {"subject_count"},
}


class PlanWriteSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(PlanKind)))
    effective_from = ma.fields.Date(
        required=True, validate=ma.validate.Range(dt.date(1900, 1, 1), dt.date(2999, 12, 31))
    )
    center = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "A center's plan overrides the study's there"},
    )
    codes = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(1, 40)),
        validate=ma.validate.Length(1, 1000),
        metadata={"description": "flagged_items: the questions whose items are verified"},
    )
    percentage = ma.fields.Integer(
        validate=ma.validate.Range(1, 100),
        metadata={"description": "random_subjects: the share of each center's subjects"},
    )
    subject_count = ma.fields.Integer(
        validate=ma.validate.Range(1, 100_000),
        metadata={"description": "first_subjects: how many of each center's first subjects"},
    )

    @ma.validates_schema
    def _fields_of_kind(self, data, **_kwargs):
        kind = data.get("kind")
        if kind not in _KIND_FIELDS:
            return
        wanted = _KIND_FIELDS[PlanKind(kind)]
        for name in set().union(*_KIND_FIELDS.values()):
            if name in wanted and data.get(name) is None:
                raise ma.ValidationError(f"A plan of kind {kind} needs it.", name)
            if name not in wanted and name in data:
                raise ma.ValidationError(f"A plan of kind {kind} takes no {name}.", name)


class FiguresSchema(ma.Schema):
    answered = ma.fields.Integer(metadata={"description": "Answered source-data items"})
    required = ma.fields.Integer(metadata={"description": "Of those, what the plans require"})
    verified = ma.fields.Integer(metadata={"description": "Of the required, those verified"})
    verified_not_required = ma.fields.Integer(
        metadata={"description": "Items verified that no plan requires"}
    )
    completion = ma.fields.Float(
        allow_none=True, metadata={"description": "verified / required (null: none required)"}
    )


class SectionFiguresSchema(FiguresSchema):
    section = ma.fields.UUID()
    title = _TITLE


class SubjectCountsSchema(FiguresSchema):
    subjects = ma.fields.Integer()
    subjects_selected = ma.fields.Integer(
        metadata={"description": "Subjects whose plan selected them"}
    )


class CenterFiguresSchema(SubjectCountsSchema):
    center = ma.fields.UUID()
    center_code = ma.fields.String()


class StudyProgressSchema(ma.Schema):
    study = ma.fields.Nested(SubjectCountsSchema)
    centers = ma.fields.List(ma.fields.Nested(CenterFiguresSchema))
    sections = ma.fields.List(ma.fields.Nested(SectionFiguresSchema))


class SubjectNamesSchema(ma.Schema):
    """How progress names a subject."""

    subject = ma.fields.UUID()
    study_subject_id = ma.fields.String()
    center = ma.fields.UUID()
    center_code = ma.fields.String()


class SubjectFiguresSchema(FiguresSchema, SubjectNamesSchema):
    plan = ma.fields.UUID(allow_none=True)
    selected = ma.fields.Boolean()


class SubjectProgressSchema(SubjectFiguresSchema):
    sections = ma.fields.List(ma.fields.Nested(SectionFiguresSchema))


class ProgressSearchSchema(ma.Schema):
    center = ma.fields.UUID()
