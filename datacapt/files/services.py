"""The file-storage service: uploads checked for size and type (the declared type must
match the content's signature), stored under the tenant, served only to it."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from werkzeug.datastructures import FileStorage

from datacapt.database import after_commit, after_rollback, db, get_by_uuid
from datacapt.errors import DatacaptException, InternalCodes, invalid, not_found
from datacapt.files.models import StoredFile
from datacapt.i18n import Message
from datacapt.identity.principal import Principal
from datacapt.slots import Slot
from datacapt.studies.context import membership_center_ids, resolve_study
from datacapt.tenancy.context import current_tenant


@dataclass(frozen=True)
class FileAttachment:
    """A place where study data refers to an upload: whoever may read it there, and only
    they, may download the file."""

    # None: the tenant's data outside any study (a panel's), read with a platform permission.
    study_id: int | None
    center_id: int | None  # None: data of the whole study, not of one center
    permission: str  # what reads that data in the study (e.g. the eCRF's data view)


CHUNK = 64 * 1024
# What a file of each type starts with (types absent here are text and have none).
SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


def _directory() -> Path:
    """The tenant's folder of uploads (made when the first one is stored)."""
    return Path(current_app.config["DATACAPT_FILES_DIR"]) / current_tenant().schema_name


def store(upload: FileStorage | None) -> StoredFile:
    if upload is None or not upload.filename:
        raise invalid(
            InternalCodes.FILE_REFUSED,
            Message("Send the file in the multipart field 'file'."),
            field="file",
        )
    allowed = current_app.config["DATACAPT_FILE_TYPES"]
    content_type = (upload.mimetype or "").lower()
    if content_type not in allowed:
        raise invalid(
            InternalCodes.FILE_REFUSED,
            Message("Files of type {type} are not accepted.", type=content_type or "?"),
            field="file",
        )
    limit = current_app.config["DATACAPT_MAX_UPLOAD_BYTES"]
    digest, size, head = hashlib.sha256(), 0, b""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                head = head or chunk[:16]
                size += len(chunk)
                if size > limit:
                    raise invalid(
                        InternalCodes.FILE_REFUSED,
                        Message("Files are limited to {size} bytes.", size=limit),
                        field="file",
                    )
                digest.update(chunk)
                out.write(chunk)
        signature = SIGNATURES.get(content_type)
        if signature and not head.startswith(signature):
            raise invalid(
                InternalCodes.FILE_REFUSED,
                Message("The content is not a {type} file.", type=content_type),
                field="file",
            )
        stored = StoredFile(
            name=Path(upload.filename).name[:255],
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
        )
        db.session.add(stored)
        db.session.flush()
        _move_in(temporary, directory / str(stored.uuid))
        db.session.flush()
        return stored
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _move_in(source: str | Path, target: Path) -> None:
    """Move a file into storage for a row not committed yet: a rollback of that row
    removes it again, so that no file is kept that nothing names."""
    os.replace(source, target)
    after_rollback(lambda: target.unlink(missing_ok=True))


def store_document(name: str, content_type: str, content: bytes) -> StoredFile:
    """A document of record the platform generated (a payment file, a bank's report kept
    as received): stored as is, with its SHA-256, and never replaced. The plugin that makes
    it names it in ``datacapt_file_attachments`` so that only its readers download it."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    stored = StoredFile(
        name=Path(name).name[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    db.session.add(stored)
    db.session.flush()
    handle, temporary = tempfile.mkstemp(dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        _move_in(temporary, directory / str(stored.uuid))
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return stored


def store_document_file(name: str, content_type: str, path: Path) -> StoredFile:
    """A document of record written to disk as it was made (an export too large to hold
    in memory): moved into the tenant's storage, its SHA-256 read in chunks, never replaced.
    ``path`` must lie on the storage's file system (``document_workspace()``)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    stored = StoredFile(
        name=Path(name).name[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )
    db.session.add(stored)
    db.session.flush()
    _move_in(path, _directory() / str(stored.uuid))
    return stored


def document_workspace() -> Path:
    """A new private folder beside the tenant's files, where a document is written before
    ``store_document_file`` moves it in (the same file system: the move is a rename). The
    caller removes the folder when done."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=directory, prefix=".work-"))


def discard_document(file_uuid: Any) -> None:
    """Remove a generated document whose retention ended (an expired export): its row,
    and its bytes once that commits (a rollback keeps both). The caller audits why."""
    stored = get_file(file_uuid)
    path = path_of(stored)
    db.session.delete(stored)
    db.session.flush()
    after_commit(lambda: path.unlink(missing_ok=True))


def document_content(file_uuid: Any) -> tuple[bytes, str]:
    """The stored bytes of an upload or document and the SHA-256 recorded when it was
    stored: a caller compares them to detect a file altered on disk."""
    stored = get_file(file_uuid)
    return path_of(stored).read_bytes(), stored.sha256


class DocumentAltered(Exception):
    """A stored document is not the bytes hashed when it was made (or is gone)."""

    def __init__(self, actual: str | None) -> None:
        super().__init__(actual)
        #: The SHA-256 of the bytes found, None when the file is missing.
        self.actual = actual


def verified_content(file_uuid: Any, expected_sha256: str | None) -> bytes:
    """The stored bytes of a document of record, which must hash to ``expected_sha256``
    (the hash its maker kept) as they did when stored; ``DocumentAltered`` otherwise."""
    try:
        content, recorded = document_content(file_uuid)
    except FileNotFoundError:
        raise DocumentAltered(None) from None
    actual = hashlib.sha256(content).hexdigest()
    if actual != expected_sha256 or recorded != expected_sha256:
        raise DocumentAltered(actual)
    return content


NO_SUCH_FILE = Message("No such file.")


def get_file(file_uuid: Any) -> StoredFile:
    return get_by_uuid(StoredFile, file_uuid, NO_SUCH_FILE)


AttachmentFinder = Callable[[str], list[FileAttachment]]
_ATTACHMENTS: Slot[AttachmentFinder] = Slot("datacapt.file_attachments")


def register_attachment_finder(app: Flask, find: AttachmentFinder) -> None:
    """Set what says where the tenant's data refers to an upload: ``find(file_uuid)``."""
    _ATTACHMENTS.fill(app, find)


def attachments(stored: StoredFile) -> list[FileAttachment]:
    """Where the tenant's enabled plugins say their data refers to the upload."""
    return _ATTACHMENTS.get()(str(stored.uuid))


def _sees(principal: Principal, attachment: FileAttachment) -> bool:
    if attachment.study_id is None:
        return attachment.permission in principal.granted
    try:
        _, membership, granted = resolve_study(principal, study_id=attachment.study_id)
    except DatacaptException:
        return False
    if attachment.permission not in granted:
        return False
    visible = membership_center_ids(membership)
    return visible is None or attachment.center_id in visible


def get_visible_file(principal: Principal, file_uuid: Any) -> StoredFile:
    """The upload, if the caller may see it: a file that study data refers to is visible
    exactly where that data is (member of the study, the permission, the center); 404
    otherwise, as for a file that does not exist."""
    stored = get_file(file_uuid)
    places = attachments(stored)
    if places and not any(_sees(principal, place) for place in places):
        raise not_found(NO_SUCH_FILE)
    return stored


def path_of(stored: StoredFile) -> Path:
    return _directory() / str(stored.uuid)


def exists(file_uuid: str) -> bool:
    """Whether this tenant has the upload (``file_uuid`` in canonical form)."""
    return db.session.execute(
        sa.select(sa.exists().where(StoredFile.uuid == uuid.UUID(file_uuid)))
    ).scalar_one()
