"""The plugin's settings in each study (``GET/PATCH /api/plugins/allocation/study-settings``)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import Study, study_settings


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    expiry_buffer_days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=0, max=3650),
        metadata={
            "description": "A kit expiring within this many days of the dispensing is never given"
        },
    )
    adverse_event_question = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=40),
        metadata={
            "description": "The code of the eCRF's repeating group that records adverse"
            " events, which traceability reports"
        },
    )


def allocation_settings(study: Study) -> dict:
    return study_settings("allocation", study)
