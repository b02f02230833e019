"""Volunteers on the panel: registration (one per email), profile answers checked by the
form engine against the tenant's profile questions, consents by purpose, notes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    Question,
    acting_user,
    block_questions,
    clean_answers,
    conflict,
    db,
    design_problems,
    evaluate_form,
    get_by_uuid,
    get_tenant_settings,
    invalid,
    not_found,
    record_event,
    utcnow,
)
from plugins.subject_repository.errors import SubjectRepositoryCodes
from plugins.subject_repository.models import (
    PanelConsent,
    ProfileForm,
    Volunteer,
    VolunteerNote,
    VolunteerStatus,
)
from plugins.subjects.api import Subject, SubjectPersonalData

NO_SUCH_VOLUNTEER = Message("No such volunteer.")


def email_digest(email: str) -> str:
    """What identifies a volunteer's email without keeping it in clear on the panel."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _lock_email(digest: str) -> None:
    """Registrations of one email wait for each other (until commit): never two volunteers."""
    db.session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(digest, 7430)))
    )


def _subject_with_email(email: str) -> Subject | None:
    """A subject already known to a study with that email, not on the panel yet."""
    return db.session.execute(
        sa.select(Subject)
        .join(SubjectPersonalData, SubjectPersonalData.subject_id == Subject.id)
        .outerjoin(Volunteer, Volunteer.subject_id == Subject.id)
        .where(sa.func.lower(SubjectPersonalData.email) == email.strip().lower())
        .where(Volunteer.id.is_(None))
        .order_by(Subject.id)
        .limit(1)
    ).scalar_one_or_none()


def register_volunteer(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone: str | None = None,
    birth_date: dt.date | None = None,
    language: str = "en",
    source: str,
) -> Subject:
    """The panel member with that email: found (an existing volunteer, or a subject of a
    study joining the panel), else created with their personal data."""
    digest = email_digest(email)
    _lock_email(digest)
    existing = db.session.execute(
        sa.select(Volunteer).where(Volunteer.email_digest == digest)
    ).scalar_one_or_none()
    if existing is not None:
        return existing.subject
    subject = _subject_with_email(email)
    if subject is None:
        subject = Subject()
        db.session.add(subject)
        db.session.flush()
        db.session.add(
            SubjectPersonalData(
                subject_id=subject.id,
                first_name=first_name,
                last_name=last_name,
                email=email.strip(),
                phone=phone,
                birth_date=birth_date,
                language=language or get_tenant_settings().default_language,
            )
        )
    db.session.add(Volunteer(subject_id=subject.id, email_digest=digest, source=source))
    db.session.flush()
    return subject


def volunteer_of(subject: Subject) -> Volunteer:
    """The subject's panel entry, or 404 for a subject not on the panel."""
    volunteer = db.session.execute(
        sa.select(Volunteer).where(Volunteer.subject_id == subject.id)
    ).scalar_one_or_none()
    if volunteer is None:
        raise not_found(NO_SUCH_VOLUNTEER)
    return volunteer


def get_volunteer(volunteer_uuid: Any) -> Volunteer:
    return get_by_uuid(Volunteer, volunteer_uuid, NO_SUCH_VOLUNTEER)


def refuse_if_erased(volunteer: Volunteer) -> None:
    if volunteer.status == VolunteerStatus.ERASED:
        raise conflict(
            SubjectRepositoryCodes.VOLUNTEER_ERASED,
            Message("This volunteer's personal data was erased."),
        )


def touch(volunteer: Volunteer) -> None:
    """The volunteer did something (or staff did for them): the retention clock restarts."""
    volunteer.last_activity_at = utcnow()
    volunteer.review_flagged_at = None


# Profile questions --------------------------------------------------------------------


def profile_form() -> ProfileForm | None:
    return db.session.execute(sa.select(ProfileForm).order_by(ProfileForm.id).limit(1)).scalar()


def profile_questions() -> dict[str, Question]:
    """The tenant's profile questions by code (none before a design is saved)."""
    form = profile_form()
    return {q.code: q for q in block_questions(form.blocks)} if form else {}


def save_profile_form(blocks: Sequence[Mapping[str, Any]]) -> ProfileForm:
    """The profile questions replaced, once the form engine finds no problem in them;
    answers to a question removed stay stored but no longer match a filter's question."""
    problems = design_problems(block_questions(blocks))
    if problems:
        raise invalid(
            SubjectRepositoryCodes.PROFILE_FORM_INVALID,
            Message("The profile questions have problems."),
            problems=[problem.as_dict() for problem in problems],
        )
    form = db.session.execute(
        sa.select(ProfileForm).order_by(ProfileForm.id).limit(1).with_for_update()
    ).scalar()
    if form is None:
        form = ProfileForm(blocks=[dict(block) for block in blocks], revision=1)
        db.session.add(form)
    else:
        form.blocks = [dict(block) for block in blocks]
        form.revision += 1
    db.session.flush()
    return form


def volunteer_profile(subject: Subject) -> dict[str, Any]:
    """The answers to the tenant's profile questions (unanswered ones left out)."""
    volunteer = volunteer_of(subject)
    return {code: value for code, value in volunteer.profile.items() if value is not None}


def _cleaned(questions: Mapping[str, Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return clean_answers(questions, answers, Message("Not a profile question."))
    except DatacaptException as exc:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            SubjectRepositoryCodes.PROFILE_ANSWERS_INVALID,
            exc.message,
            fields=exc.fields,
        ) from None


def update_volunteer_profile(subject: Subject, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The given answers checked by the form engine and merged (None clears one); answers
    hidden by the form's conditions are cleared, calculations redone."""
    volunteer = volunteer_of(subject)
    refuse_if_erased(volunteer)
    questions = profile_questions()
    cleaned = _cleaned(questions, answers)
    state = evaluate_form(list(questions.values()), {**volunteer.profile, **cleaned})
    profile = {code: value for code, value in state.answers.items() if value is not None}
    if profile != volunteer.profile:
        volunteer.profile = profile
        touch(volunteer)
    db.session.flush()
    return volunteer_profile(subject)


# Consents -----------------------------------------------------------------------------


def volunteer_consents(subject: Subject) -> list[PanelConsent]:
    """Every consent of the volunteer, standing and withdrawn, the latest first."""
    volunteer = volunteer_of(subject)
    return list(
        db.session.execute(
            sa.select(PanelConsent)
            .where(PanelConsent.volunteer_id == volunteer.id)
            .order_by(PanelConsent.given_at.desc(), PanelConsent.id.desc())
        ).scalars()
    )


def _standing(volunteer: Volunteer, purpose: str) -> PanelConsent | None:
    return db.session.execute(
        sa.select(PanelConsent)
        .where(
            PanelConsent.volunteer_id == volunteer.id,
            PanelConsent.purpose == purpose,
            PanelConsent.withdrawn_at.is_(None),
        )
        .with_for_update()
    ).scalar_one_or_none()


def _lock(volunteer: Volunteer) -> None:
    """Changes of one volunteer's consents wait for each other."""
    db.session.execute(
        sa.select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update()
    )


def give_consent(subject: Subject, purpose: str) -> PanelConsent:
    """The standing consent for ``purpose``: the one given already, or a new one now."""
    volunteer = volunteer_of(subject)
    refuse_if_erased(volunteer)
    _lock(volunteer)
    consent = _standing(volunteer, purpose)
    if consent is None:
        consent = PanelConsent(volunteer_id=volunteer.id, purpose=purpose, given_at=utcnow())
        db.session.add(consent)
        touch(volunteer)
    db.session.flush()
    return consent


def withdraw_consent(subject: Subject, purpose: str) -> PanelConsent:
    """The standing consent for ``purpose`` withdrawn now (409 when none stands)."""
    volunteer = volunteer_of(subject)
    _lock(volunteer)
    consent = _standing(volunteer, purpose)
    if consent is None:
        raise conflict(
            SubjectRepositoryCodes.CONSENT_NOT_GIVEN,
            Message("The volunteer has no consent standing for this purpose."),
            purpose=purpose,
        )
    consent.withdrawn_at = utcnow()
    touch(volunteer)
    db.session.flush()
    return consent


# Personal data and notes --------------------------------------------------------------


def personal_data(volunteer: Volunteer) -> SubjectPersonalData | None:
    """The volunteer's names and contact details; the read is written to the audit trail."""
    data = db.session.execute(
        sa.select(SubjectPersonalData).where(SubjectPersonalData.subject_id == volunteer.subject_id)
    ).scalar_one_or_none()
    if data is not None:
        record_event("read", data)
        db.session.flush()
    return data


def read_profile(volunteer: Volunteer) -> Volunteer:
    """The volunteer, whose profile answers (health data among them) the caller reads: the
    read is written to the audit trail."""
    record_event("read_profile", volunteer)
    db.session.flush()
    return volunteer


def notes(volunteer: Volunteer) -> sa.Select:
    """The notes about the volunteer, the latest first; the read is audited."""
    record_event("read_notes", volunteer)
    db.session.flush()
    return (
        sa.select(VolunteerNote)
        .where(VolunteerNote.volunteer_id == volunteer.id)
        .order_by(VolunteerNote.created_at.desc(), VolunteerNote.id.desc())
    )


def add_note(volunteer: Volunteer, text: str) -> VolunteerNote:
    refuse_if_erased(volunteer)
    note = VolunteerNote(volunteer_id=volunteer.id, author_id=acting_user().id, text=text)
    db.session.add(note)
    db.session.flush()
    return note


def list_volunteers(filters: Mapping[str, Any]) -> sa.Select:
    statement = sa.select(Volunteer).order_by(Volunteer.id)
    if "flagged" in filters:
        flagged = Volunteer.review_flagged_at.is_not(None)
        statement = statement.where(flagged if filters["flagged"] else sa.not_(flagged))
    if filters.get("status"):
        statement = statement.where(Volunteer.status == filters["status"])
    return statement


def keep_after_review(volunteer: Volunteer) -> Volunteer:
    """The DPO reviewed a flagged volunteer and keeps them: the retention clock restarts."""
    refuse_if_erased(volunteer)
    touch(volunteer)
    db.session.flush()
    return volunteer
