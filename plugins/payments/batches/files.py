"""The files of record of batches and bank reports: served only by the plugin's routes,
which check the caller's scope, answer the stored bytes after checking them against the
hash recorded when they were made, and audit every download."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import (
    DocumentAltered,
    FileAttachment,
    Message,
    conflict,
    db,
    keep_on_error,
    not_found,
    record_event,
    verified_content,
)
from plugins.payments.batches.models import BankReport, BatchFile, PaymentBatch
from plugins.payments.errors import PaymentCodes
from plugins.payments.permissions import EXPORT

# A place in no study: no caller sees it, so the core's file route never serves these
# files (they hold bank details); the plugin's audited routes do.
NOWHERE = FileAttachment(study_id=0, center_id=None, permission=EXPORT)


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    """Where the plugin's data refers to a stored file: batch files and bank reports."""
    public_id = uuid.UUID(file_uuid)
    ours = db.session.execute(
        sa.select(
            sa.exists().where(BatchFile.file_uuid == public_id)
            | sa.exists().where(BankReport.file_uuid == public_id)
        )
    ).scalar_one()
    return [NOWHERE] if ours else []


def batch_file(batch: PaymentBatch, file_format: str) -> BatchFile:
    for made in batch.files:
        if made.format == file_format:
            return made
    raise not_found(Message("The batch has no such file."))


def checked_content(made: BatchFile) -> bytes:
    """The stored bytes, audited as downloaded; 409 (the finding audited and kept) when
    they are not the bytes hashed when the file was made."""
    try:
        content = verified_content(made.file_uuid, made.sha256)
    except DocumentAltered as altered:
        record_event("file_altered", made, {"sha256": [made.sha256, altered.actual]})
        keep_on_error()
        raise conflict(
            PaymentCodes.BATCH_FILE_ALTERED,
            Message("The stored file is not the one made for the batch: it is not served."),
            sha256=made.sha256,
        ) from None
    record_event("download", made)
    return content
