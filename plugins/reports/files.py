"""The reports' files of record are served only by the plugin's routes, which check the
caller's permission, centers and blinding, answer the stored bytes after checking them
against their hash, and audit every download."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import FileAttachment, db
from plugins.reports.permissions import CASEBOOKS
from plugins.reports.runs.models import ReportRun

# A place in no study: no caller sees it, so the core's file route never serves them.
NOWHERE = FileAttachment(study_id=0, center_id=None, permission=CASEBOOKS)


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    ours = db.session.execute(
        sa.select(sa.exists().where(ReportRun.file_uuid == uuid.UUID(file_uuid)))
    ).scalar_one()
    return [NOWHERE] if ours else []
