"""Subjects in a study: ids from the study's pattern, statuses, centers, personal data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    centers_of_study,
    conflict,
    contains_text,
    current_reason,
    db,
    forbidden,
    get_in_study,
    get_tenant_settings,
    invalid,
    reason_required,
    record_event,
    study_query,
    study_settings,
    visible_center_ids,
)
from plugins.subjects.errors import SubjectCodes
from plugins.subjects.models import (
    ENDED_WITH_REASON,
    ConsentStatus,
    Subject,
    SubjectCounter,
    SubjectInStudy,
    SubjectPersonalData,
    SubjectStatus,
)
from plugins.subjects.signals import participation_changed

DEFAULT_PATTERN = "{center}-{seq:03}"


def id_pattern_problem(pattern: str) -> Message | None:
    """Why ``pattern`` cannot name subjects (None: it can): {seq} and optionally {center},
    {study}; ids given before a change keep their form."""
    try:
        # A width of three digits or more would build huge ids (or exhaust memory here).
        if any(re.search(r"\d{3,}", spec or "") for _, _, spec, _ in Formatter().parse(pattern)):
            raise ValueError("field too wide")
        pattern.format(center="C01", seq=1, study="S")
    except (KeyError, IndexError, ValueError):
        return Message("Use only {{center}}, {{seq}} and {{study}} in the pattern.")
    if "{seq" not in pattern:
        return Message("The pattern needs {{seq}} to tell subjects apart.")
    return None


def id_pattern(study: Study) -> str:
    """How the study names its subjects (its `id_pattern` study setting)."""
    return study_settings("subjects", study)["id_pattern"]


def _next_subject_id(study: Study, center: StudyCenter) -> str:
    """The next id; the counter row stays locked until commit, so no id is given twice."""
    pattern = id_pattern(study)
    scope = f"center:{center.id}" if "{center" in pattern else "study"
    number = db.session.execute(
        insert(SubjectCounter)
        .values(study_id=study.id, scope=scope, last=1)
        .on_conflict_do_update(
            index_elements=[SubjectCounter.study_id, SubjectCounter.scope],
            set_={"last": SubjectCounter.last + 1},
        )
        .returning(SubjectCounter.last)
    ).scalar_one()
    return pattern.format(center=center.code, seq=number, study=study.reference)


def _center_for_new_subject(study: Study, center_uuid: Any) -> StudyCenter:
    (center,) = centers_of_study(study, [center_uuid], field="center")
    visible = visible_center_ids()
    if visible is not None and center.id not in visible:
        raise forbidden(center=str(center.uuid))
    return center


def has_subjects_at(study: Study, center: StudyCenter) -> bool:
    """Whether the study has subjects at the center, whatever their status."""
    return db.session.execute(
        sa.select(
            sa.exists().where(
                SubjectInStudy.study_id == study.id, SubjectInStudy.center_id == center.id
            )
        )
    ).scalar_one()


def list_subjects(
    study: Study, status: str | None = None, center: Any = None, search: str | None = None
) -> sa.Select:
    """The study's subjects at the centers the caller may see."""
    statement = study_query(SubjectInStudy, study).order_by(SubjectInStudy.study_subject_id)
    if status:
        statement = statement.where(SubjectInStudy.status == status)
    if center is not None:
        statement = statement.join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id).where(
            StudyCenter.uuid == center
        )
    if search:
        statement = statement.where(contains_text(search, SubjectInStudy.study_subject_id))
    return statement


def get_subject(study: Study, subject_uuid: Any) -> SubjectInStudy:
    """One subject of the study; a center the caller may not see answers as absent."""
    return get_in_study(SubjectInStudy, subject_uuid, Message("No such subject."), study=study)


def add_subject(study: Study, center_uuid: Any, personal: Mapping[str, Any]) -> SubjectInStudy:
    """A new person (their personal data kept apart) entering the study in screening; they
    are written to in the tenant's language unless another is given."""
    center = _center_for_new_subject(study, center_uuid)
    subject = Subject()
    db.session.add(subject)
    db.session.flush()
    language = personal.get("language") or get_tenant_settings().default_language
    participation = _participation(study, center, subject)
    # Added with the participation, so their audit record is placed at its center.
    db.session.add(SubjectPersonalData(subject_id=subject.id, **{**personal, "language": language}))
    db.session.flush()
    return participation


def _participation(study: Study, center: StudyCenter, subject: Subject) -> SubjectInStudy:
    participation = SubjectInStudy(
        study_id=study.id,
        subject=subject,
        center=center,
        study_subject_id=_next_subject_id(study, center),
        status=SubjectStatus.SCREENING,
    )
    db.session.add(participation)
    return participation


def enroll_subject(study: Study, center_uuid: Any, subject: Subject) -> SubjectInStudy:
    """A person the tenant already knows (a panel volunteer, with their personal data)
    entering the study in screening at a center the caller sees; 409 when they are in it."""
    center = _center_for_new_subject(study, center_uuid)
    already = db.session.execute(
        sa.select(SubjectInStudy.id).where(
            SubjectInStudy.study_id == study.id, SubjectInStudy.subject_id == subject.id
        )
    ).first()
    if already:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("This person is already a subject of the study."),
        )
    participation = _participation(study, center, subject)
    db.session.flush()
    return participation


def refuse_if_ended(participation: SubjectInStudy) -> None:
    """Nothing more is entered for an excluded or withdrawn subject until reopened."""
    if participation.status in ENDED_WITH_REASON:
        raise conflict(
            SubjectCodes.SUBJECT_PARTICIPATION_ENDED,
            Message("The subject was excluded or withdrawn: reopen them, with a reason, first."),
            status=participation.status,
        )


def record_consent_status(participation: SubjectInStudy, status: ConsentStatus) -> None:
    """Where the subject's consent stands (the eConsent module says), audited with it."""
    participation.consent_status = status
    db.session.flush()


def _announce(participation: SubjectInStudy) -> None:
    """Followers (ePRO planning, ...) act in the same transaction as the change."""
    if {"status", "inclusion_date"} & set(participation.tracked_changes):
        db.session.flush()
        participation_changed.send(participation)


def change_status(participation: SubjectInStudy, changes: Mapping[str, Any]) -> SubjectInStudy:
    """Inclusion needs its date; exclusion and withdrawal need their reason; an ended
    participation changes only by reopen()."""
    status = changes.get("status", participation.status)
    if participation.status in ENDED_WITH_REASON and status != participation.status:
        raise conflict(
            SubjectCodes.SUBJECT_PARTICIPATION_ENDED,
            Message(
                "An excluded or withdrawn subject comes back only by reopening, with a reason."
            ),
            status=participation.status,
        )
    if (
        status == SubjectStatus.INCLUDED
        and status != participation.status
        and not changes.get("inclusion_date")
    ):
        raise invalid(
            InternalCodes.VALIDATION_FAILED,
            Message("An inclusion needs its date."),
            field="inclusion_date",
        )
    if (
        status in ENDED_WITH_REASON
        and status != participation.status
        and not changes.get("end_reason")
    ):
        raise invalid(
            InternalCodes.VALIDATION_FAILED,
            Message("An exclusion or withdrawal needs its reason."),
            field="end_reason",
        )
    participation.transition_to(status)
    for name in ("inclusion_date", "end_reason"):
        if name in changes:
            setattr(participation, name, changes[name])
    _announce(participation)
    db.session.flush()
    return participation


def reopen(participation: SubjectInStudy) -> SubjectInStudy:
    """An excluded or withdrawn subject back where they were (included if they had been,
    else screening), so data can be entered again; the Reason-For-Change is required and
    kept in the audit record."""
    if participation.status not in ENDED_WITH_REASON:
        raise conflict(
            SubjectCodes.SUBJECT_PARTICIPATION_ENDED,
            Message("Only an excluded or withdrawn subject can be reopened."),
            status=participation.status,
        )
    if current_reason() is None:
        raise reason_required({SubjectInStudy.__tablename__})
    back = SubjectStatus.INCLUDED if participation.inclusion_date else SubjectStatus.SCREENING
    participation.transition_to(back)
    participation.end_reason = None
    _announce(participation)
    db.session.flush()
    return participation


def _personal_data(participation: SubjectInStudy) -> SubjectPersonalData:
    return db.session.execute(
        sa.select(SubjectPersonalData).where(
            SubjectPersonalData.subject_id == participation.subject_id
        )
    ).scalar_one()


def read_personal_data(participation: SubjectInStudy) -> SubjectPersonalData:
    """The subject's personal data; the read itself is written to the audit trail."""
    data = _personal_data(participation)
    record_event("read", data)
    db.session.flush()
    return data


def update_personal_data(
    participation: SubjectInStudy, changes: Mapping[str, Any]
) -> SubjectPersonalData:
    data = _personal_data(participation)
    for name, value in changes.items():
        setattr(data, name, value)
    db.session.flush()
    return data
