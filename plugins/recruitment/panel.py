"""What recruitment asks of the volunteer panel (the subject repository) and of the
subjects module: who a volunteer is, how to reach them, whether they may take part."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Channel, Recipient, RecipientKind, Study, db
from plugins.subject_repository.api import matching_volunteers, register_volunteer, washout_refusal
from plugins.subjects.api import Subject, SubjectPersonalData

#: Where an applicant comes from, in the panel's records.
SOURCE = "recruitment"


def volunteer(personal: Mapping[str, Any]) -> Subject:
    """The panel volunteer with this email (registered now when new)."""
    return register_volunteer(
        first_name=personal["first_name"],
        last_name=personal["last_name"],
        email=personal["email"],
        phone=personal.get("phone"),
        birth_date=personal.get("birth_date"),
        language=personal.get("language") or "en",
        source=SOURCE,
    )


def refusal(subject: Subject, study: Study) -> str | None:
    """Why the volunteer may not take part in the clinical study now (wash-out), if so."""
    return washout_refusal(subject, study)


def matching(filter_spec: Mapping[str, Any]) -> list[int]:
    """The ids of the volunteers the filter matches who agreed to be contacted."""
    selected = matching_volunteers(filter_spec.get("saved") or dict(filter_spec), for_contact=True)
    return list(db.session.execute(selected).scalars())


def recipient(subject_id: int, channel: Channel) -> Recipient:
    """The volunteer at their email or phone, in their language (None: recorded as failed)."""
    subject, personal = db.session.execute(
        sa.select(Subject, SubjectPersonalData)
        .outerjoin(SubjectPersonalData, SubjectPersonalData.subject_id == Subject.id)
        .where(Subject.id == subject_id)
    ).one()
    if personal is None:  # nothing to reach them by: the message is recorded as failed
        return Recipient(RecipientKind.SUBJECT, subject.uuid, None)
    address = personal.email if channel == Channel.EMAIL else personal.phone
    return Recipient(RecipientKind.SUBJECT, subject.uuid, address, personal.language)
