"""Payments' settings in each study (``GET/PATCH /api/plugins/payments/study-settings``)."""

from __future__ import annotations

import enum

import marshmallow as ma

from datacapt.toolkit import Study, study_settings, transaction_cached


class VisitDone(enum.StrEnum):
    """When a visit counts as done, and is paid for."""

    COMPLETE = "complete"  # its eCRF section is complete
    CONFIRMED = "confirmed"  # complete, and confirmed by a person with confirm_visits


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    visit_done = ma.fields.String(
        load_default=VisitDone.COMPLETE.value,
        validate=ma.validate.OneOf([done.value for done in VisitDone]),
        metadata={
            "description": "A visit is paid for once its eCRF section is complete, or only"
            " once someone with payments.confirm_visits confirmed it"
        },
    )


def visit_done(study: Study) -> VisitDone:
    """The study's setting, read once per transaction (every eCRF save asks)."""
    return transaction_cached(
        ("payments.visit_done", study.id),
        lambda: VisitDone(study_settings("payments", study)["visit_done"]),
    )
