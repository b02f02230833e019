"""Schemas of the reports API."""

from __future__ import annotations

import marshmallow as ma

from plugins.reports.runs.models import Layout, ReportKind


class StudyCasebooksWriteSchema(ma.Schema):
    layout = ma.fields.String(
        load_default=Layout.ZIP,
        validate=ma.validate.OneOf(list(Layout)),
        metadata={"description": "zip: one PDF per subject; merged: one PDF of all"},
    )
    centers = ma.fields.List(
        ma.fields.UUID(),
        validate=ma.validate.Length(min=1, max=500),
        metadata={"description": "The centers whose subjects to print (default: all you see)"},
    )


class ReportSearchSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ReportKind)))


class ReportRunReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    kind = ma.fields.String(metadata={"description": "casebook, study_casebooks, annotated_crf"})
    layout = ma.fields.String(allow_none=True)
    state = ma.fields.String(metadata={"description": "queued, running, done or failed"})
    subject = ma.fields.Function(
        lambda run: str(run.participation.uuid) if run.participation else None, allow_none=True
    )
    reveals_arm = ma.fields.Boolean(
        metadata={"description": "It shows the arm: only callers who may see it read it"}
    )
    language = ma.fields.String()
    requested_by = ma.fields.Function(
        lambda run: {"uuid": str(run.requested_by.uuid), "name": run.requested_by.display_name}
    )
    total = ma.fields.Integer(metadata={"description": "Subjects to print"})
    printed = ma.fields.Integer(metadata={"description": "Subjects printed so far"})
    percent = ma.fields.Function(
        lambda run: round(100 * run.printed / run.total) if run.total else 100
    )
    failure = ma.fields.Dict(allow_none=True, metadata={"description": "Why it failed"})
    created_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    name = ma.fields.String(allow_none=True)
    content_type = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
