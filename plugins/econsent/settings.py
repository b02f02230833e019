"""eConsent's settings in each study (``GET/PATCH /api/plugins/econsent/study-settings``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import Study, study_settings, transaction_cached


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    staff_attestation = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "In person, a staff member attests the subject's identity (with"
            " their password) before the subject signs"
        },
    )
    hold_until_reconsent = ma.fields.Boolean(
        load_default=True,
        metadata={
            "description": "A subject asked to re-consent gets no new eCRF data until they"
            " signed the new version"
        },
    )
    code_minutes = ma.fields.Integer(
        load_default=10,
        validate=ma.validate.Range(min=2, max=60),
        metadata={"description": "How long a one-time identity code stays valid"},
    )


def econsent_settings(study: Study) -> dict[str, Any]:
    """The study's settings, read once per transaction (every eCRF save may ask)."""
    return transaction_cached(
        ("econsent.settings", study.id), lambda: study_settings("econsent", study)
    )
