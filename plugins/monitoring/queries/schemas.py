"""What the queries endpoints take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from datacapt.toolkit import Level
from plugins.ecrf.api import QueryAction, QueryOrigin, QueryStatus, QueryTarget

CODE = ma.validate.Length(min=1, max=40)
TEXT = ma.validate.Length(min=1, max=4000)


class DataQueryWriteSchema(ma.Schema):
    """A query raised by hand on a subject: on the whole subject (neither ``section`` nor
    ``code``), one of its sections (``section``), a question's answer (``code``), or a
    cell of a repeating group's answer (``code``, ``row`` and ``column``)."""

    subject = ma.fields.UUID(required=True)
    section = ma.fields.UUID(metadata={"description": "A section (visit) of the subject"})
    code = ma.fields.String(validate=CODE, metadata={"description": "The question's code"})
    row = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=100_000),
        metadata={"description": "A repeating group's row, from 0"},
    )
    column = ma.fields.String(validate=CODE, metadata={"description": "The column's code"})
    instance = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={
            "description": "A question's instance in a section filled once per instance (a "
            "side-by-side zone's code)"
        },
    )
    level = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Level)))
    message = ma.fields.String(required=True, validate=TEXT)
    assignee_role = ma.fields.String(
        load_default="investigator",
        validate=ma.validate.Length(min=1, max=60),
        metadata={"description": "The study role expected to act on it"},
    )
    assignee_center = ma.fields.UUID(
        allow_none=True,
        metadata={
            "description": "The center whose members of that role act (absent: the "
            "subject's; null: wherever they see the subject)"
        },
    )

    @ma.validates_schema
    def _target(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("row" in data) != ("column" in data):
            raise ma.ValidationError("A cell is named by its row and its column.", "row")
        if "row" in data and "code" not in data:
            raise ma.ValidationError("A cell is in a question's answer: give its code.", "code")
        if "section" in data and "code" in data:
            raise ma.ValidationError(
                "Give a section or a question: a question's section is its own.", "section"
            )


class QueryTextSchema(ma.Schema):
    """The message that goes with the action into the query's thread (for a cancellation,
    its reason)."""

    text = ma.fields.String(required=True, validate=TEXT)


class QueryOptionalTextSchema(ma.Schema):
    """A message may go with the action into the query's thread."""

    text = ma.fields.String(load_default=None, validate=TEXT)


class QueryMessageReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    action = ma.fields.String(metadata={"enum": list(QueryAction)})
    text = ma.fields.String(allow_none=True)
    author = ma.fields.UUID(
        attribute="author_uuid",
        allow_none=True,
        metadata={"description": "The user who wrote it (null: the platform)"},
    )
    author_name = ma.fields.String(allow_none=True, metadata={"description": "Their name then"})
    created_at = ma.fields.AwareDateTime()


class DataQueryReadSchema(ma.Schema):
    """A query of the study's list, with its subject and center."""

    uuid = ma.fields.UUID(attribute="query.uuid")
    subject = ma.fields.UUID()
    study_subject_id = ma.fields.String()
    center = ma.fields.UUID()
    center_code = ma.fields.String()
    target = ma.fields.String(attribute="query.target", metadata={"enum": list(QueryTarget)})
    code = ma.fields.String(attribute="query.code", allow_none=True)
    row = ma.fields.Integer(attribute="query.cell_row", allow_none=True)
    column = ma.fields.String(attribute="query.cell_column", allow_none=True)
    instance = ma.fields.String(
        attribute="query.instance",
        metadata={"description": "The zone of a zone-assessed section's question; empty else"},
    )
    section = ma.fields.UUID(
        allow_none=True,
        metadata={"description": "The section queried, or the section of the question queried"},
    )
    origin = ma.fields.String(attribute="query.origin", metadata={"enum": list(QueryOrigin)})
    level = ma.fields.String(attribute="query.level", metadata={"enum": list(Level)})
    status = ma.fields.String(attribute="query.status", metadata={"enum": list(QueryStatus)})
    message = ma.fields.String(attribute="query.message")
    raised_by = ma.fields.UUID(
        attribute="query.raised_by_uuid",
        allow_none=True,
        metadata={"description": "Who raised it by hand (null: a validation rule)"},
    )
    raised_by_name = ma.fields.String(attribute="query.raised_by_name", allow_none=True)
    assignee_role = ma.fields.String(attribute="query.assignee_role")
    assignee_center = ma.fields.UUID(allow_none=True)
    closed_modified = ma.fields.Boolean(
        attribute="query.closed_modified",
        metadata={"description": "The data it concerns changed after it was closed"},
    )
    closed_automatically = ma.fields.Boolean(attribute="query.closed_automatically")
    created_at = ma.fields.AwareDateTime(attribute="query.created_at")
    opened_at = ma.fields.AwareDateTime(
        attribute="query.opened_at",
        allow_none=True,
        metadata={"description": "When the site could first see it (null: a draft)"},
    )
    closed_at = ma.fields.AwareDateTime(
        attribute="query.closed_at",
        allow_none=True,
        metadata={"description": "When it was closed or cancelled"},
    )
    modified_at = ma.fields.AwareDateTime(attribute="query.modified_at")


class DataQueryDetailReadSchema(DataQueryReadSchema):
    """One query with its thread, oldest message first."""

    messages = ma.fields.List(ma.fields.Nested(QueryMessageReadSchema), attribute="query.messages")


class DataQuerySearchSchema(ma.Schema):
    """Filters of the list and its counts; repeat ``status`` or ``level`` for several."""

    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(QueryStatus))))
    level = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(Level))))
    origin = ma.fields.String(validate=ma.validate.OneOf(list(QueryOrigin)))
    section = ma.fields.UUID(metadata={"description": "Queries on the section or its questions"})
    question = ma.fields.String(validate=CODE, metadata={"description": "A question's code"})
    center = ma.fields.UUID(metadata={"description": "The subjects' center"})
    subject = ma.fields.UUID()
    assignee_role = ma.fields.String(validate=ma.validate.Length(min=1, max=60))
    closed_modified = ma.fields.Boolean()
    older_than_days = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=36_500),
        metadata={"description": "Opened more than this many days ago"},
    )
    opened_before = ma.fields.Date(
        # Bounded so that the day's start converts to UTC whatever the time zone.
        validate=ma.validate.Range(min=dt.date(1900, 1, 1), max=dt.date(9999, 12, 30)),
        metadata={"description": "Opened before this day began, in the tenant's time zone"},
    )


class DataQueryCountsSchema(ma.Schema):
    """How many queries of the filtered list are in each state and at each level."""

    total = ma.fields.Integer()
    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    by_level = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
