"""Schemas of the data analysis API."""

from __future__ import annotations

import marshmallow as ma

from plugins.data_analysis.services import BY_ARM, BY_CENTER

CODE = ma.validate.Length(min=1, max=40)


def _figure(description: str) -> ma.fields.Float:
    return ma.fields.Float(allow_none=True, metadata={"description": description})


class AnalysisStatisticsQuerySchema(ma.Schema):
    section = ma.fields.UUID(metadata={"description": "Only this section's (visit's) questions"})
    question = ma.fields.String(validate=CODE, metadata={"description": "Only this question"})
    by = ma.fields.String(
        validate=ma.validate.OneOf([BY_CENTER, BY_ARM]),
        metadata={"description": "Also per center you see, or per arm (the unblinded only)"},
    )


class CrossTabulationQuerySchema(ma.Schema):
    row = ma.fields.String(required=True, validate=CODE)
    column = ma.fields.String(required=True, validate=CODE)


class AnalysisChoiceCountSchema(ma.Schema):
    value = ma.fields.Raw(metadata={"description": "The coded value"})
    label = ma.fields.String()
    count = ma.fields.Integer()
    percent = _figure("Of the subjects who answered")


class AnalysisFiguresSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "number or choice"})
    n = ma.fields.Integer(metadata={"description": "Subjects who answered"})
    missing = ma.fields.Integer(metadata={"description": "Subjects (seen) without an answer"})
    mean = _figure("Numbers")
    sd = _figure("The sample standard deviation (n - 1); null for fewer than 2 values")
    median = _figure("Numbers")
    q1 = _figure("The first quartile (see quartiles)")
    q3 = _figure("The third quartile (see quartiles)")
    min = _figure("Numbers")
    max = _figure("Numbers")
    choices = ma.fields.List(ma.fields.Nested(AnalysisChoiceCountSchema))


class AnalysisGroupFiguresSchema(AnalysisFiguresSchema):
    group = ma.fields.Dict(metadata={"description": "{center, code} or {arm} (null: none)"})


class AnalysisQuestionStatisticsSchema(ma.Schema):
    code = ma.fields.String()
    label = ma.fields.String()
    type = ma.fields.String()
    overall = ma.fields.Nested(AnalysisFiguresSchema)
    groups = ma.fields.List(ma.fields.Nested(AnalysisGroupFiguresSchema))


class AnalysisSectionStatisticsSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.String()
    questions = ma.fields.List(ma.fields.Nested(AnalysisQuestionStatisticsSchema))


class AnalysisStatisticsSchema(ma.Schema):
    subjects = ma.fields.Integer(metadata={"description": "The subjects at the centers you see"})
    by = ma.fields.String(allow_none=True)
    quartiles = ma.fields.String(metadata={"description": "How the quartiles are computed"})
    sections = ma.fields.List(ma.fields.Nested(AnalysisSectionStatisticsSchema))


class CrossTabulationAxisSchema(ma.Schema):
    code = ma.fields.String()
    label = ma.fields.String()


class CrossTabulationCellSchema(ma.Schema):
    row = ma.fields.Raw()
    column = ma.fields.Raw()
    count = ma.fields.Integer()
    row_percent = _figure("Of the row's total")
    column_percent = _figure("Of the column's total")
    percent = _figure("Of all who answered both")


class CrossTabulationTotalSchema(ma.Schema):
    value = ma.fields.Raw()
    label = ma.fields.String()
    count = ma.fields.Integer()


class CrossTabulationSchema(ma.Schema):
    row = ma.fields.Nested(CrossTabulationAxisSchema)
    column = ma.fields.Nested(CrossTabulationAxisSchema)
    n = ma.fields.Integer(metadata={"description": "Subjects who answered both"})
    cells = ma.fields.List(ma.fields.Nested(CrossTabulationCellSchema))
    row_totals = ma.fields.List(ma.fields.Nested(CrossTabulationTotalSchema))
    column_totals = ma.fields.List(ma.fields.Nested(CrossTabulationTotalSchema))
