"""Exports' settings in each study (``GET/PATCH /api/plugins/exports/study-settings``)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from datacapt.toolkit import Study, study_settings


class StudySettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    files_kept_days = ma.fields.Integer(
        load_default=7,
        validate=ma.validate.Range(min=1, max=365),
        metadata={"description": "Days an export's files stay downloadable, then are removed"},
    )


def files_kept(study: Study) -> dt.timedelta:
    return dt.timedelta(days=study_settings("exports", study)["files_kept_days"])
