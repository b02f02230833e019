"""The plugin's settings in each study (``GET/PATCH /api/plugins/randomizations/study-settings``)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import Study, study_settings


def _roles(description: str) -> ma.fields.List:
    """A list of study role names (the default: study managers)."""
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=60)),
        load_default=lambda: ["study_manager"],
        validate=ma.validate.Length(max=20),
        metadata={"description": description},
    )


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    unblinding_approval = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "An emergency unblinding waits for a second person's approval"},
    )
    unblinding_notify_roles = _roles(
        "The study roles told of each emergency unblinding (and asked to approve one, when"
        " approval is needed)"
    )
    low_slots_notify_roles = _roles(
        "The study roles told when a production stratum reaches its warning threshold, and"
        " when it runs out"
    )


def randomization_settings(study: Study) -> dict:
    return study_settings("randomizations", study)
