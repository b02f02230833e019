"""Exports' settings in each study (``GET/PATCH /api/plugins/exports/study-settings``)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from datacapt.toolkit import Study, study_settings, tenant_retention


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    files_kept_days = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=1, max=365),
        metadata={
            "description": "Days an export's files stay downloadable, then are removed; none:"
            " the customer's retention of export files, else 7"
        },
    )


#: When neither the study nor the customer set how long export files are kept.
DEFAULT_FILES_KEPT_DAYS = 7


def files_kept(study: Study) -> dt.timedelta:
    days = (
        study_settings("exports", study)["files_kept_days"]
        or tenant_retention("export_files")
        or DEFAULT_FILES_KEPT_DAYS
    )
    return dt.timedelta(days=days)
