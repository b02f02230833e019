"""A subject's access to one questionnaire from the token of their link (sent to them, or
shown as a QR code), in the ``Qr-Code`` header, without a staff login. The token opens that
occurrence and nothing else; links that open nothing count against the client's address."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import g

from datacapt.toolkit import (
    Actor,
    DatacaptException,
    ErrorCode,
    Message,
    Study,
    acting_as,
    client_address,
    conflict,
    db,
    digest,
    enforce_limit,
    utcnow,
)
from plugins.epro import answers
from plugins.epro.errors import EproCodes
from plugins.epro.models import Occurrence, OccurrenceStatus
from plugins.subjects.api import SubjectInStudy, SubjectPersonalData

TOKEN_HEADER = "Qr-Code"


def occurrence_for_token(token: str | None, for_update: bool = False) -> Occurrence:
    """The occurrence the token opens, if still open; else 401 (counted) or 410. To write,
    its row is locked: two saves (or a save and a submission) of it queue up.

    Only links that open nothing count, per client address whatever the tenant (one
    guesser tries many customers); a valid link always opens, however many failures its
    address has (subjects of one site share its network)."""
    now = utcnow()
    statement = sa.select(Occurrence).where(Occurrence.token_hash == digest(token or ""))
    if for_update:
        statement = statement.with_for_update()
    occurrence = db.session.execute(statement).scalar_one_or_none() if token else None
    if occurrence is None:
        enforce_limit(
            "epro-token",
            client_address(),
            internal=EproCodes.EPRO_TOO_MANY_ATTEMPTS,
            message=Message("Too many links that open nothing: try again later."),
        )
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            EproCodes.EPRO_LINK_INVALID,
            Message("This questionnaire link is not valid."),
        )
    if (
        occurrence.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.EXPIRED)
        or occurrence.closes_at <= now
    ):
        raise DatacaptException(
            ErrorCode.GONE,
            EproCodes.EPRO_LINK_EXPIRED,
            Message("This questionnaire is closed."),
        )
    # What the subject changes is audited under their study.
    g.study = db.session.get(Study, occurrence.study_id)
    return occurrence


@contextmanager
def _as_subject(occurrence: Occurrence) -> Iterator[None]:
    participation = occurrence.participation
    with acting_as(Actor("subject", str(participation.uuid), participation.study_subject_id)):
        yield


def _subject_language(occurrence: Occurrence) -> str | None:
    """The language the subject reads in (their contact's)."""
    return db.session.execute(
        sa.select(SubjectPersonalData.language)
        .join(SubjectInStudy, SubjectInStudy.subject_id == SubjectPersonalData.subject_id)
        .where(SubjectInStudy.id == occurrence.subject_in_study_id)
    ).scalar_one_or_none()


def _refuse_submitted(occurrence: Occurrence) -> None:
    if occurrence.status == OccurrenceStatus.COMPLETED:
        raise conflict(
            EproCodes.EPRO_ALREADY_SUBMITTED,
            Message("This questionnaire was submitted: it can no longer change."),
        )


def read(token: str | None) -> dict[str, Any]:
    occurrence = occurrence_for_token(token)
    return answers.view(occurrence, answers.state_of(occurrence), _subject_language(occurrence))


def save(token: str | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """Save progress (any answers, in any order); the first save starts the occurrence."""
    occurrence = occurrence_for_token(token, for_update=True)
    _refuse_submitted(occurrence)
    with _as_subject(occurrence):
        state = answers.save(occurrence, given)
        if occurrence.status == OccurrenceStatus.SENT:
            occurrence.transition_to(OccurrenceStatus.STARTED)
            occurrence.started_at = utcnow()
        result = answers.view(occurrence, state, _subject_language(occurrence))
        db.session.flush()
    return result


def submit(token: str | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """Save the last answers and submit: every visible required question answered, or
    nothing is saved. Afterwards the occurrence is read-only and no reminder goes."""
    occurrence = occurrence_for_token(token, for_update=True)
    _refuse_submitted(occurrence)
    with _as_subject(occurrence):
        state = answers.save(occurrence, given)
        missing = answers.missing_required(occurrence, state)
        if missing:
            raise DatacaptException(
                ErrorCode.VALIDATION_ERROR,
                EproCodes.EPRO_ANSWERS_INCOMPLETE,
                Message("Some required questions are unanswered."),
                fields={code: [Message("An answer is required.")] for code in missing},
            )
        now = utcnow()
        occurrence.transition_to(OccurrenceStatus.COMPLETED)
        occurrence.started_at = occurrence.started_at or now
        occurrence.completed_at, occurrence.next_send_at = now, None
        result = answers.view(occurrence, state, _subject_language(occurrence))
        db.session.flush()
    return result
