"""The files exports store: served only by the plugin's routes, which check who may see
the run and audit each download."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import FileAttachment, db
from plugins.exports.permissions import DOWNLOAD
from plugins.exports.runs.models import ExportFile

# A place in no study: no caller sees it, so the core's file route never serves an
# export (it would skip the run's center and arm checks).
NOWHERE = FileAttachment(study_id=0, center_id=None, permission=DOWNLOAD)


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    ours = db.session.execute(
        sa.select(sa.exists().where(ExportFile.file_uuid == uuid.UUID(file_uuid)))
    ).scalar_one()
    return [NOWHERE] if ours else []
