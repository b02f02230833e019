"""GDPR requests: an access request gives a file of every record the tenant's modules hold
about the volunteer; an erasure request waits for the data protection officer, who erases
their personal data in every module (clinical data kept pseudonymized) or refuses with a
reason; the retention rule flags volunteers without activity for review."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DocumentAltered,
    FileAttachment,
    Message,
    SubjectRecords,
    acting_user,
    conflict,
    current_settings,
    db,
    erase_subject,
    get_by_uuid,
    record_event,
    store_document,
    subject_records,
    utcnow,
    verified_content,
)
from plugins.subject_repository.errors import SubjectRepositoryCodes
from plugins.subject_repository.models import (
    GdprKind,
    GdprRequest,
    GdprStatus,
    PanelConsent,
    Volunteer,
    VolunteerNote,
    VolunteerStatus,
)
from plugins.subject_repository.panel import refuse_if_erased, volunteer_of
from plugins.subject_repository.permissions import PERSONAL_DATA
from plugins.subjects.api import Subject, SubjectInStudy

NO_SUCH_REQUEST = Message("No such GDPR request.")
FILE_TYPE = "application/json"


def get_request(request_uuid: Any) -> GdprRequest:
    return get_by_uuid(GdprRequest, request_uuid, NO_SUCH_REQUEST)


def requests(volunteer: Volunteer | None = None, status: str | None = None) -> sa.Select:
    statement = sa.select(GdprRequest).order_by(GdprRequest.created_at.desc(), GdprRequest.id)
    if volunteer is not None:
        statement = statement.where(GdprRequest.volunteer_id == volunteer.id)
    if status:
        statement = statement.where(GdprRequest.status == status)
    return statement


def inventory(subject: Subject, *, with_items: bool = False) -> dict[str, list[dict[str, Any]]]:
    """What each module holds about the subject (items only for the access file); the read
    is audited."""
    found = subject_records(subject.id)
    record_event("read_inventory", volunteer_of(subject))
    db.session.flush()
    return {
        plugin: [record.as_dict(with_items=with_items) for record in records]
        for plugin, records in found.items()
    }


def _access_file(subject: Subject, made_at: dt.datetime) -> bytes:
    content = {
        "platform_id": subject.platform_id,
        "made_at": made_at.isoformat(),
        "modules": inventory(subject, with_items=True),
    }
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode()


def request_access(subject: Subject, *, by_subject: bool) -> GdprRequest:
    """An access request, answered at once: the file of every record held about the
    volunteer (JSON, a document of record), kept with the request."""
    volunteer = volunteer_of(subject)
    refuse_if_erased(volunteer)
    now = utcnow()
    content = _access_file(subject, now)
    stored = store_document(f"access-{subject.platform_id}.json", FILE_TYPE, content)
    request = GdprRequest(
        volunteer_id=volunteer.id,
        kind=GdprKind.ACCESS,
        status=GdprStatus.COMPLETED,
        by_subject=by_subject,
        decided_at=now,
        file_uuid=stored.uuid,
        file_sha256=stored.sha256,
    )
    db.session.add(request)
    db.session.flush()
    return request


def access_file(request: GdprRequest) -> bytes:
    """The access file as it was made (409 ACCESS_FILE_ALTERED otherwise); the read is audited."""
    if request.file_uuid is None:
        raise conflict(
            SubjectRepositoryCodes.ACCESS_FILE_ALTERED, Message("This request has no file.")
        )
    try:
        content = verified_content(request.file_uuid, request.file_sha256)
    except DocumentAltered as exc:
        record_event("file_altered", request, {"sha256": [request.file_sha256, exc.actual]})
        db.session.flush()
        raise conflict(
            SubjectRepositoryCodes.ACCESS_FILE_ALTERED,
            Message("The access file is not the one made: it was altered or lost."),
        ) from None
    record_event("read_file", request)
    db.session.flush()
    return content


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    """An access file is the panel's data: downloaded only with its personal data permission."""
    named = db.session.execute(
        sa.select(sa.exists().where(GdprRequest.file_uuid == uuid.UUID(file_uuid)))
    ).scalar_one()
    return [FileAttachment(None, None, PERSONAL_DATA)] if named else []


def request_erasure(subject: Subject, reason: str, *, by_subject: bool) -> GdprRequest:
    """An erasure request waiting for the DPO (409 when one waits already)."""
    volunteer = volunteer_of(subject)
    refuse_if_erased(volunteer)
    db.session.execute(
        sa.select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update()
    )
    waiting = db.session.execute(
        requests(volunteer, GdprStatus.PENDING).where(GdprRequest.kind == GdprKind.ERASURE)
    ).first()
    if waiting:
        raise conflict(
            SubjectRepositoryCodes.GDPR_REQUEST_PENDING,
            Message("An erasure request of this volunteer waits for a decision already."),
        )
    request = GdprRequest(
        volunteer_id=volunteer.id,
        kind=GdprKind.ERASURE,
        status=GdprStatus.PENDING,
        by_subject=by_subject,
        reason=reason,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _pending(request: GdprRequest) -> GdprRequest:
    locked = db.session.execute(
        sa.select(GdprRequest).where(GdprRequest.id == request.id).with_for_update(of=GdprRequest)
    ).scalar_one()
    db.session.refresh(locked)
    if locked.status != GdprStatus.PENDING:
        raise conflict(
            SubjectRepositoryCodes.GDPR_REQUEST_DECIDED,
            Message("This request was decided already."),
            status=locked.status,
        )
    return locked


def approve_erasure(request: GdprRequest, comment: str | None) -> GdprRequest:
    """The DPO approves: every module erases the volunteer's personal data (studies' clinical
    data stays, pseudonymized under the subject's platform and study ids)."""
    request = _pending(request)
    erase_subject(request.volunteer.subject_id)
    request.status = GdprStatus.APPROVED
    request.decision_reason = comment
    request.decided_by_id = acting_user().id
    request.decided_at = utcnow()
    db.session.flush()
    return request


def refuse_erasure(request: GdprRequest, reason: str) -> GdprRequest:
    """The DPO refuses, saying why (a legal obligation to keep, a request not from them...)."""
    request = _pending(request)
    request.status = GdprStatus.REFUSED
    request.decision_reason = reason
    request.decided_by_id = acting_user().id
    request.decided_at = utcnow()
    db.session.flush()
    return request


# The panel's own records (its implementation of the inventory hooks) ------------------


def panel_records(subject_id: int) -> list[SubjectRecords]:
    volunteer = db.session.execute(
        sa.select(Volunteer).where(Volunteer.subject_id == subject_id)
    ).scalar_one_or_none()
    if volunteer is None:
        return []
    consents = (
        db.session.execute(sa.select(PanelConsent).where(PanelConsent.volunteer_id == volunteer.id))
        .scalars()
        .all()
    )
    notes = (
        db.session.execute(
            sa.select(VolunteerNote).where(VolunteerNote.volunteer_id == volunteer.id)
        )
        .scalars()
        .all()
    )
    return [
        SubjectRecords(
            "subject_repository.volunteer",
            1,
            [
                {
                    "source": volunteer.source,
                    "status": volunteer.status,
                    "registered_at": volunteer.created_at.isoformat(),
                    "last_activity_at": volunteer.last_activity_at.isoformat(),
                    "profile": volunteer.profile,
                }
            ],
            personal=True,
        ),
        SubjectRecords(
            "subject_repository.consents",
            len(consents),
            [
                {
                    "purpose": c.purpose,
                    "given_at": c.given_at.isoformat(),
                    "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
                }
                for c in consents
            ],
        ),
        SubjectRecords(
            "subject_repository.notes",
            len(notes),
            [{"written_at": n.created_at.isoformat(), "text": n.text} for n in notes],
            personal=True,
        ),
    ]


def erase_panel_data(subject_id: int) -> None:
    """The profile and notes erased, standing consents withdrawn (their dates stay: proof
    of what was consented to), the email digest dropped."""
    volunteer = db.session.execute(
        sa.select(Volunteer).where(Volunteer.subject_id == subject_id).with_for_update(of=Volunteer)
    ).scalar_one_or_none()
    if volunteer is None:
        return
    now = utcnow()
    for note in db.session.execute(
        sa.select(VolunteerNote).where(VolunteerNote.volunteer_id == volunteer.id)
    ).scalars():
        note.text = ""
    for consent in db.session.execute(
        sa.select(PanelConsent).where(
            PanelConsent.volunteer_id == volunteer.id, PanelConsent.withdrawn_at.is_(None)
        )
    ).scalars():
        consent.withdrawn_at = now
    volunteer.profile = {}
    volunteer.email_digest = None
    volunteer.status = VolunteerStatus.ERASED
    volunteer.erased_at = now
    db.session.flush()


# Retention -------------------------------------------------------------------------------


def flag_inactive(now: dt.datetime | None = None) -> int:
    """Volunteers without activity (on the panel or in a study) for the tenant's
    ``retention_years`` flagged for review; how many were flagged now."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(
        days=365 * current_settings("subject_repository")["retention_years"]
    )
    studied_since = sa.exists().where(
        SubjectInStudy.subject_id == Volunteer.subject_id, SubjectInStudy.modified_at >= cutoff
    )
    inactive = (
        db.session.execute(
            sa.select(Volunteer)
            .where(
                Volunteer.status == VolunteerStatus.ACTIVE,
                Volunteer.review_flagged_at.is_(None),
                Volunteer.last_activity_at < cutoff,
                sa.not_(studied_since),
            )
            .order_by(Volunteer.id)
            .with_for_update(of=Volunteer, skip_locked=True)
        )
        .scalars()
        .all()
    )
    # Row by row, so each flag has its audit record.
    for volunteer in inactive:
        volunteer.review_flagged_at = now
    db.session.flush()
    return len(inactive)
