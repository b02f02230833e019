"""A subject's records in this module for the GDPR inventory: their personal data and
their participations; an erasure empties the personal data and keeps the participations
(clinical data, under the platform and study ids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, SubjectRecords, db
from plugins.subjects.models import SubjectInStudy, SubjectPersonalData


def _personal(subject_id: int) -> SubjectPersonalData | None:
    return db.session.execute(
        sa.select(SubjectPersonalData).where(SubjectPersonalData.subject_id == subject_id)
    ).scalar_one_or_none()


def subject_records(subject_id: int) -> list[SubjectRecords]:
    personal = _personal(subject_id)
    participations = (
        db.session.execute(
            sa.select(SubjectInStudy)
            .where(SubjectInStudy.subject_id == subject_id)
            .order_by(SubjectInStudy.id)
        )
        .scalars()
        .all()
    )
    found = [
        SubjectRecords(
            "subjects.participations",
            len(participations),
            [
                {
                    "study": db.session.get_one(Study, p.study_id).reference,
                    "study_subject_id": p.study_subject_id,
                    "status": p.status,
                    "inclusion_date": p.inclusion_date.isoformat() if p.inclusion_date else None,
                    "since": p.created_at.isoformat(),
                }
                for p in participations
            ],
        )
    ]
    if personal is not None:
        found.insert(
            0,
            SubjectRecords(
                "subjects.personal_data",
                1,
                [
                    {
                        "first_name": personal.first_name,
                        "last_name": personal.last_name,
                        "email": personal.email,
                        "phone": personal.phone,
                        "birth_date": personal.birth_date.isoformat()
                        if personal.birth_date
                        else None,
                        "language": personal.language,
                    }
                ],
                personal=True,
            ),
        )
    return found


def erase_subject(subject_id: int) -> None:
    """Names and contact details emptied (the language kept: it is no one's identity)."""
    personal = _personal(subject_id)
    if personal is None:
        return
    personal.first_name = ""
    personal.last_name = ""
    personal.email = None
    personal.phone = None
    personal.birth_date = None
    db.session.flush()


def _described(row: Any) -> dict[str, Any]:
    return {"uuid": str(row.uuid), "created_at": row.created_at.isoformat()}


def participation_records(
    kind: str,
    model: Any,
    subject_id: int,
    describe: Callable[[Any], dict[str, Any]] = _described,
    *,
    personal: bool = False,
) -> SubjectRecords:
    """The rows of ``model`` (a module's table keyed by ``subject_in_study_id``) about the
    subject's participations, as one kind of the GDPR inventory: each row ``describe``d
    for the access file (by default its uuid and creation time)."""
    rows = db.session.execute(
        sa.select(model)
        .join(SubjectInStudy, SubjectInStudy.id == model.subject_in_study_id)
        .where(SubjectInStudy.subject_id == subject_id)
        .order_by(model.id)
    ).scalars()
    items = [describe(row) for row in rows]
    return SubjectRecords(kind, len(items), items, personal)
