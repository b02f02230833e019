"""Monitoring's settings in each study (``GET/PATCH /api/plugins/monitoring/study-settings``)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import Study, study_settings

DEFAULT_DECLARATION = (
    "I confirm that I have reviewed the data signed here and that, to the best of my "
    "knowledge, it is accurate and complete. I understand that my electronic signature "
    "is the legally binding equivalent of my handwritten signature."
)


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    pre_query_review = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "A monitor's query is a draft until a data manager releases it"},
    )
    signatures_before_lock = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Locking requires what is locked to be signed"},
    )
    signature_declaration = ma.fields.String(
        load_default=DEFAULT_DECLARATION,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={
            "description": "The text a signer declares to, shown and stored with each signature"
        },
    )


def monitoring_settings(study: Study) -> dict:
    return study_settings("monitoring", study)
