"""Freezes and locks as the API reads and takes them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import ReasonForChangeSchema
from plugins.monitoring.locks.models import Level, LockStatus

#: What names the target at each level.
LEVEL_FIELDS = {
    Level.SECTION: frozenset({"subject", "section"}),
    Level.VISIT: frozenset({"section"}),
    Level.SUBJECT: frozenset({"subject"}),
    Level.CENTER: frozenset({"center"}),
    Level.STUDY: frozenset(),
}
TARGET_FIELDS = ("subject", "section", "center")


class DataLockWriteSchema(ReasonForChangeSchema):
    """The target a freeze, lock or release names: the level, and what it needs (a
    section: the subject and the section, and optionally one zone of a section filled once
    per zone; a visit: the section; a subject; a center; the study: nothing)."""

    level = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Level)))
    subject = ma.fields.UUID(metadata={"description": "The subject (section, subject levels)"})
    section = ma.fields.UUID(
        metadata={"description": "The eCRF section, a visit (section, visit levels)"}
    )
    center = ma.fields.UUID(metadata={"description": "The study's center (center level)"})
    instance = ma.fields.String(
        validate=ma.validate.Length(1, 40),
        metadata={
            "description": "One zone of a section filled once per zone (section level); "
            "without it, the whole section"
        },
    )

    @ma.validates_schema
    def _names_the_level_s_target(self, data: dict[str, Any], **_kwargs: Any) -> None:
        needed = LEVEL_FIELDS[Level(data["level"])]
        errors = {}
        for name in TARGET_FIELDS:
            if name in needed and name not in data:
                errors[name] = ["Required at this level."]
            elif name not in needed and name in data:
                errors[name] = ["Not used at this level."]
        if "instance" in data and data["level"] != Level.SECTION:
            errors["instance"] = ["Only a subject's section names a zone."]
        if errors:
            raise ma.ValidationError(errors)


class ActorSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String(metadata={"description": "The name the user had then"})


class DataLockReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    level = ma.fields.String(metadata={"description": "section, visit, subject, center, study"})
    status = ma.fields.String(metadata={"description": "frozen, locked, unfrozen, unlocked"})
    subject = ma.fields.UUID(attribute="participation.uuid", dump_default=None)
    study_subject_id = ma.fields.String(
        attribute="participation.study_subject_id", dump_default=None
    )
    center = ma.fields.UUID(
        attribute="held_at_center.uuid",
        dump_default=None,
        metadata={"description": "The center held (center level), or the subject's"},
    )
    section = ma.fields.UUID(attribute="section_uuid", allow_none=True)
    instance = ma.fields.String(
        metadata={"description": "The zone held (section level), empty: the whole section"}
    )
    frozen_at = ma.fields.AwareDateTime(allow_none=True)
    frozen_by = ma.fields.Nested(ActorSchema, allow_none=True)
    locked_at = ma.fields.AwareDateTime(allow_none=True)
    locked_by = ma.fields.Nested(ActorSchema, allow_none=True)
    released_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When it was unfrozen or unlocked"}
    )
    released_by = ma.fields.Nested(ActorSchema, allow_none=True)


class DataLockSearchSchema(ma.Schema):
    level = ma.fields.String(validate=ma.validate.OneOf(list(Level)))
    status = ma.fields.String(validate=ma.validate.OneOf(list(LockStatus)))
    subject = ma.fields.UUID(metadata={"description": "Holds placed on this subject"})
    section = ma.fields.UUID(metadata={"description": "Holds placed on this section"})


class DataLockSimpleSchema(ma.Schema):
    uuid = ma.fields.UUID()
    level = ma.fields.String()
    status = ma.fields.String()
    since = ma.fields.AwareDateTime(attribute="held_since")


class LocksAnnotationSchema(ma.Schema):
    """The ``locks`` annotation of a subject's section read."""

    status = ma.fields.String(metadata={"description": "open, frozen or locked"})
    level = ma.fields.String(allow_none=True)
    holds = ma.fields.List(ma.fields.Nested(DataLockSimpleSchema))
