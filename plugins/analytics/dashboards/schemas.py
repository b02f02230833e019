"""Schemas of the dashboards: the figures a frontend draws, and the enrollment series'
query."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from plugins.analytics.dashboards.periods import Interval
from plugins.analytics.dashboards.queries import BUCKETS, STATUSES

_TITLE = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
_DAY = ma.validate.Range(dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def _share(description: str) -> ma.fields.Float:
    return ma.fields.Float(allow_none=True, metadata={"description": description})


class CenterSchema(ma.Schema):
    center = ma.fields.UUID()
    center_code = ma.fields.String()


# Enrollment


class EnrollmentSearchSchema(ma.Schema):
    interval = ma.fields.String(
        load_default=Interval.MONTH,
        validate=ma.validate.OneOf(list(Interval)),
        metadata={"description": "Periods of a week (from Monday) or a calendar month"},
    )
    start = ma.fields.Date(
        data_key="from",
        validate=_DAY,
        metadata={"description": "The first day (default: the first inclusion)"},
    )
    end = ma.fields.Date(
        data_key="to",
        validate=_DAY,
        metadata={"description": "The last day (default: today in the tenant's time zone)"},
    )


class EnrollmentPointSchema(ma.Schema):
    period = ma.fields.Date(metadata={"description": "The period's first day"})
    enrolled = ma.fields.Integer(metadata={"description": "Subjects included in the period"})
    cumulative = ma.fields.Integer(metadata={"description": "Included by the period's end"})


class EnrollmentFiguresSchema(ma.Schema):
    enrolled = ma.fields.Integer(metadata={"description": "Included by the last day"})
    target = ma.fields.Integer(allow_none=True, metadata={"description": "Subjects to include"})
    target_date = ma.fields.Date(allow_none=True)
    progress = _share("enrolled / target (null: no target)")
    series = ma.fields.List(ma.fields.Nested(EnrollmentPointSchema))


class CenterEnrollmentSchema(EnrollmentFiguresSchema, CenterSchema):
    pass


class EnrollmentSchema(ma.Schema):
    interval = ma.fields.String(metadata={"enum": list(Interval)})
    start = ma.fields.Date(data_key="from", metadata={"description": "The first period's day"})
    end = ma.fields.Date(data_key="to")
    study = ma.fields.Nested(
        EnrollmentFiguresSchema,
        metadata={"description": "The centers the caller sees, against the study's target"},
    )
    centers = ma.fields.List(ma.fields.Nested(CenterEnrollmentSchema))


# Visit completion


class VisitFiguresSchema(ma.Schema):
    expected = ma.fields.Integer(metadata={"description": "Subjects but the excluded"})
    started = ma.fields.Integer(metadata={"description": "Of those, who saved the section"})
    complete = ma.fields.Integer(metadata={"description": "Of those, with every required answer"})
    completion = _share("complete / expected")


class CenterVisitSchema(VisitFiguresSchema, CenterSchema):
    pass


class SectionVisitSchema(VisitFiguresSchema):
    section = ma.fields.UUID()
    title = _TITLE
    centers = ma.fields.List(ma.fields.Nested(CenterVisitSchema))


class VisitCompletionSchema(ma.Schema):
    sections = ma.fields.List(ma.fields.Nested(SectionVisitSchema))


# Query ageing


BucketsSchema = ma.Schema.from_dict(
    {name: ma.fields.Integer() for name, _ in BUCKETS}, name="QueryBucketsSchema"
)
StatusBucketsSchema = ma.Schema.from_dict(
    {status: ma.fields.Nested(BucketsSchema) for status in STATUSES},
    name="QueryStatusBucketsSchema",
)


class AgeingFiguresSchema(ma.Schema):
    total = ma.fields.Integer()
    buckets = ma.fields.Nested(BucketsSchema, metadata={"description": "By age in days"})
    statuses = ma.fields.Nested(StatusBucketsSchema, metadata={"description": "By status and age"})


class CenterAgeingSchema(AgeingFiguresSchema, CenterSchema):
    pass


class QueryAgeingSchema(ma.Schema):
    as_of = ma.fields.AwareDateTime(metadata={"description": "The moment ages are counted at"})
    study = ma.fields.Nested(AgeingFiguresSchema)
    centers = ma.fields.List(ma.fields.Nested(CenterAgeingSchema))


# Source data verification


class VerificationFiguresSchema(ma.Schema):
    answered = ma.fields.Integer(metadata={"description": "Answered source-data items"})
    required = ma.fields.Integer(metadata={"description": "Of those, what the plans require"})
    verified = ma.fields.Integer(metadata={"description": "Of the required, those verified"})
    verified_not_required = ma.fields.Integer()
    completion = _share("verified / required")
    subjects = ma.fields.Integer()
    subjects_selected = ma.fields.Integer(metadata={"description": "Selected by their plan"})


class CenterVerificationSchema(VerificationFiguresSchema, CenterSchema):
    pass


class VerificationProgressSchema(ma.Schema):
    study = ma.fields.Nested(VerificationFiguresSchema)
    centers = ma.fields.List(ma.fields.Nested(CenterVerificationSchema))


# ePRO compliance


class ComplianceFiguresSchema(ma.Schema):
    done = ma.fields.Integer(metadata={"description": "Completed by the due time"})
    late = ma.fields.Integer(metadata={"description": "Completed after the due time"})
    missed = ma.fields.Integer(metadata={"description": "Expired unfilled"})
    open = ma.fields.Integer(metadata={"description": "Sent or started, still open"})
    compliance = _share("done / (done + late + missed)")


class CenterComplianceSchema(ComplianceFiguresSchema, CenterSchema):
    pass


class QuestionnaireComplianceSchema(ComplianceFiguresSchema):
    questionnaire = ma.fields.UUID()
    code = ma.fields.String()
    title = _TITLE
    centers = ma.fields.List(ma.fields.Nested(CenterComplianceSchema))


class EproComplianceSchema(ma.Schema):
    questionnaires = ma.fields.List(ma.fields.Nested(QuestionnaireComplianceSchema))
