"""Schemas of review: a section's review, and progress."""

from __future__ import annotations

import marshmallow as ma

from plugins.monitoring.verification.schemas import SubjectNamesSchema

_TITLE = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
_ZONE = "The zone of a section filled once per zone; empty otherwise"


class SectionReviewReadSchema(ma.Schema):
    subject = ma.fields.UUID(attribute="participation.uuid")
    section = ma.fields.UUID(attribute="section.uuid")
    instance = ma.fields.String(metadata={"description": _ZONE})
    reviewed_by = ma.fields.UUID(metadata={"description": "The user who reviewed it"})
    reviewed_by_name = ma.fields.String(metadata={"description": "Their name at the time"})
    reviewed_at = ma.fields.AwareDateTime()


class SectionReviewStateSchema(ma.Schema):
    reviewed = ma.fields.Boolean()
    reviewed_by = ma.fields.UUID(allow_none=True)
    reviewed_by_name = ma.fields.String(allow_none=True)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)


class ReviewFiguresSchema(ma.Schema):
    with_data = ma.fields.Integer(metadata={"description": "Subjects' sections with data"})
    reviewed = ma.fields.Integer(metadata={"description": "Of those, the reviewed ones"})
    completion = ma.fields.Float(
        allow_none=True, metadata={"description": "reviewed / with_data (null: no data)"}
    )


class CenterReviewSchema(ReviewFiguresSchema):
    center = ma.fields.UUID()
    center_code = ma.fields.String()


class SectionReviewFiguresSchema(ReviewFiguresSchema):
    section = ma.fields.UUID()
    title = _TITLE


class StudyReviewProgressSchema(ma.Schema):
    study = ma.fields.Nested(ReviewFiguresSchema)
    centers = ma.fields.List(ma.fields.Nested(CenterReviewSchema))
    sections = ma.fields.List(ma.fields.Nested(SectionReviewFiguresSchema))


class SubjectReviewFiguresSchema(ReviewFiguresSchema, SubjectNamesSchema):
    """A subject with their figures."""


class SubjectSectionReviewSchema(SectionReviewStateSchema):
    section = ma.fields.UUID()
    instance = ma.fields.String(metadata={"description": _ZONE})
    title = _TITLE
    with_data = ma.fields.Boolean(metadata={"description": "Whether anything is entered in it"})


class SubjectReviewsSchema(SubjectReviewFiguresSchema):
    sections = ma.fields.List(ma.fields.Nested(SubjectSectionReviewSchema))
