"""A study's consent documents and their versions: drafts change, a published version
never does; publishing supersedes the version published before. Services flush, the
request commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    acting_user,
    centers_of_study,
    conflict,
    db,
    get_in_study,
    lock_document,
    not_found,
    study_query,
    utcnow,
)
from plugins.econsent.documents.checks import check_content
from plugins.econsent.documents.models import ConsentDocument, ConsentVersion, VersionStatus
from plugins.econsent.errors import EconsentCodes

DOCUMENT_LOCK = "econsent_document"


def list_documents(study: Study) -> sa.Select:
    return study_query(ConsentDocument, study).order_by(ConsentDocument.code)


def get_document(study: Study, document_uuid: Any) -> ConsentDocument:
    return get_in_study(
        ConsentDocument, document_uuid, Message("No such consent document."), study=study
    )


def get_version(document: ConsentDocument, number: int) -> ConsentVersion:
    version = db.session.execute(
        sa.select(ConsentVersion).where(
            ConsentVersion.document_id == document.id, ConsentVersion.number == number
        )
    ).scalar_one_or_none()
    if version is None:
        raise not_found(Message("The consent document has no such version."))
    return version


def _content(study: Study, data: Mapping[str, Any]) -> dict[str, Any]:
    """A version's columns from its checked content."""
    content = check_content(data)
    return {
        "languages": content["languages"],
        "center_ids": [center.id for center in centers_of_study(study, content["centers"])],
        "ethics_reference": content["ethics_reference"],
        "ethics_date": content["ethics_date"],
        "blocks": [
            {**block, "uuid": str(block["uuid"]) if block.get("uuid") else None}
            for block in content["blocks"]
        ],
        "correct_answers": content["correct_answers"],
        "optional_parts": content["optional_parts"],
        "signers": content["signers"],
    }


def create_document(study: Study, data: Mapping[str, Any]) -> ConsentDocument:
    """A document with its first version, a draft."""
    lock_document(DOCUMENT_LOCK, f"{study.uuid}:{data['code'].lower()}")
    taken = db.session.execute(
        sa.select(ConsentDocument.id).where(
            ConsentDocument.study_id == study.id,
            sa.func.lower(ConsentDocument.code) == data["code"].lower(),
        )
    ).first()
    if taken:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another consent document of the study has this code."),
            field="code",
        )
    content = _content(study, data["version"])
    document = ConsentDocument(study_id=study.id, code=data["code"], title=data["title"])
    db.session.add(document)
    db.session.flush()
    db.session.add(ConsentVersion(study_id=study.id, document_id=document.id, number=1, **content))
    db.session.flush()
    db.session.refresh(document)
    return document


def rename_document(document: ConsentDocument, title: dict[str, str]) -> ConsentDocument:
    document.title = title
    db.session.flush()
    return document


def _lock(version: ConsentVersion) -> None:
    """Hold the version's row and read it again: a draft saved while it is published
    waits, then sees it published (a published content never changes)."""
    db.session.refresh(version, with_for_update=True)


def _refuse_published(version: ConsentVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise conflict(
            EconsentCodes.CONSENT_VERSION_NOT_DRAFT,
            Message("The version is published: its content no longer changes."),
            status=version.status,
        )


def new_version(study: Study, document: ConsentDocument, data: Mapping[str, Any]) -> ConsentVersion:
    """The document's next version, a draft, once no other draft exists."""
    lock_document(DOCUMENT_LOCK, str(document.uuid))
    db.session.refresh(document)
    draft = next((v for v in document.versions if v.status == VersionStatus.DRAFT), None)
    if draft is not None:
        raise conflict(
            EconsentCodes.CONSENT_DRAFT_EXISTS,
            Message("The document has a draft version: change it rather than start another."),
            version=draft.number,
        )
    content = _content(study, data)
    version = ConsentVersion(
        study_id=study.id, document_id=document.id, number=len(document.versions) + 1, **content
    )
    db.session.add(version)
    db.session.flush()
    return version


def save_version(study: Study, version: ConsentVersion, data: Mapping[str, Any]) -> ConsentVersion:
    """A draft's content replaced whole."""
    _lock(version)
    _refuse_published(version)
    for name, value in _content(study, data).items():
        setattr(version, name, value)
    db.session.flush()
    return version


def delete_version(version: ConsentVersion) -> None:
    """A draft dropped (its document with it when it is the only version)."""
    _lock(version)
    _refuse_published(version)
    document = version.document
    db.session.delete(version)
    db.session.flush()
    db.session.refresh(document)
    if not document.versions:
        db.session.delete(document)
    db.session.flush()


def publish(version: ConsentVersion) -> ConsentVersion | None:
    """The draft published (never changing again); the version published before it is
    superseded and returned."""
    lock_document(DOCUMENT_LOCK, str(version.document.uuid))
    _lock(version)
    _refuse_published(version)
    previous = db.session.execute(
        sa.select(ConsentVersion).where(
            ConsentVersion.document_id == version.document_id,
            ConsentVersion.status == VersionStatus.PUBLISHED,
        )
    ).scalar_one_or_none()
    if previous is not None:
        previous.transition_to(VersionStatus.SUPERSEDED)
    version.transition_to(VersionStatus.PUBLISHED)
    version.published_at, version.published_by_id = utcnow(), acting_user().id
    db.session.flush()
    return previous


def latest_before(version: ConsentVersion) -> ConsentVersion | None:
    """The newest version published before this one (for what it changes)."""
    return db.session.execute(
        sa.select(ConsentVersion)
        .where(
            ConsentVersion.document_id == version.document_id,
            ConsentVersion.number < version.number,
            ConsentVersion.status != VersionStatus.DRAFT,
        )
        .order_by(ConsentVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def archive(version: ConsentVersion) -> ConsentVersion:
    """A published or superseded version no longer asked for (its consents stay)."""
    _lock(version)
    if version.status == VersionStatus.DRAFT:
        raise conflict(
            EconsentCodes.CONSENT_VERSION_NOT_DRAFT,
            Message("A draft is deleted, not archived."),
            status=version.status,
        )
    version.transition_to(VersionStatus.ARCHIVED)
    db.session.flush()
    return version
