"""Each included subject's occurrences of the study's questionnaires: planned from the
inclusion date, re-planned when it or the schedule changes, and the staff's actions on
them (cancel, resend)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from datacapt.toolkit import (
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    conflict,
    db,
    get_in_study,
    get_tenant_settings,
    not_found,
    restrict_to_visible_centers,
    utcnow,
)
from plugins.epro.errors import EproCodes
from plugins.epro.models import OPEN_STATUSES, Occurrence, OccurrenceStatus, Questionnaire
from plugins.epro.schedule import outside_quiet_hours, planned_occurrences
from plugins.subjects.api import SubjectInStudy, SubjectStatus

NO_LONGER_PLANNED = "No longer in the questionnaire's schedule."
PARTICIPATION_ENDED = "The subject's participation ended."
QUESTIONNAIRE_INACTIVE = "The questionnaire was deactivated."


def tenant_zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def _cancel(occurrence: Occurrence, reason: str) -> None:
    occurrence.transition_to(OccurrenceStatus.CANCELLED)
    occurrence.cancel_reason, occurrence.next_send_at = reason, None


def _why_none(questionnaire: Questionnaire, participation: SubjectInStudy) -> str | None:
    """Why the subject has no occurrences of the questionnaire to come, if so."""
    if not questionnaire.active:
        return QUESTIONNAIRE_INACTIVE
    if participation.status != SubjectStatus.INCLUDED or participation.inclusion_date is None:
        return PARTICIPATION_ENDED
    return None


def _restorable(occurrence: Occurrence) -> bool:
    """Cancelled by planning (not by staff), never sent: it comes back when wanted again."""
    return (
        occurrence.status == OccurrenceStatus.CANCELLED
        and occurrence.sent_at is None
        and occurrence.cancel_reason in (NO_LONGER_PLANNED, QUESTIONNAIRE_INACTIVE)
    )


def _plan_pair(
    questionnaire: Questionnaire,
    participation: SubjectInStudy,
    existing: Iterable[Occurrence],
    zone: ZoneInfo,
) -> None:
    """Bring one subject's occurrences of one questionnaire in line with the schedule:
    those not sent yet move or are cancelled, missing ones are added; any other is kept
    as it is (what was sent or answered is part of the record). A day that closed before
    the questionnaire was activated is not planned: nobody could have answered it."""
    ended = _why_none(questionnaire, participation)
    inclusion = participation.inclusion_date
    wanted = (
        {}
        if ended or inclusion is None
        else {
            planned.day: planned
            for planned in planned_occurrences(questionnaire.schedule, inclusion, zone)
            if questionnaire.activated_at is None or planned.closes_at > questionnaire.activated_at
        }
    )
    have = {occurrence.day: occurrence for occurrence in existing}
    for day, occurrence in have.items():
        planned = wanted.get(day)
        if planned is not None and _restorable(occurrence):
            occurrence.transition_to(OccurrenceStatus.SCHEDULED)
            occurrence.cancel_reason = None
        if occurrence.status not in OPEN_STATUSES or (occurrence.extra and not ended):
            continue
        if ended:
            _cancel(occurrence, ended)
        elif planned is None:
            # One already sent stays open: the subject may be answering it.
            if occurrence.status == OccurrenceStatus.SCHEDULED:
                _cancel(occurrence, NO_LONGER_PLANNED)
        elif occurrence.status == OccurrenceStatus.SCHEDULED:
            occurrence.opens_at, occurrence.due_at = planned.opens_at, planned.due_at
            occurrence.closes_at = planned.closes_at
            occurrence.next_send_at = outside_quiet_hours(
                planned.opens_at, questionnaire.reminders, zone
            )
    for day, planned in wanted.items():
        if day in have:
            continue
        db.session.add(
            Occurrence(
                study_id=questionnaire.study_id,
                questionnaire=questionnaire,
                participation=participation,
                day=day,
                status=OccurrenceStatus.SCHEDULED,
                opens_at=planned.opens_at,
                due_at=planned.due_at,
                closes_at=planned.closes_at,
                next_send_at=outside_quiet_hours(planned.opens_at, questionnaire.reminders, zone),
                reminders_sent=0,
            )
        )


def _existing(condition: sa.ColumnElement[bool]) -> dict[tuple[int, int], list[Occurrence]]:
    found: dict[tuple[int, int], list[Occurrence]] = {}
    for occurrence in db.session.execute(sa.select(Occurrence).where(condition)).scalars():
        key = (occurrence.questionnaire_id, occurrence.subject_in_study_id)
        found.setdefault(key, []).append(occurrence)
    return found


def plan_questionnaire(questionnaire: Questionnaire) -> None:
    """After a questionnaire is saved: every subject of its study that has occurrences of
    it or is included gets them re-planned."""
    existing = _existing(Occurrence.questionnaire_id == questionnaire.id)
    participations = db.session.execute(
        sa.select(SubjectInStudy).where(
            SubjectInStudy.study_id == questionnaire.study_id,
            sa.or_(
                SubjectInStudy.status == SubjectStatus.INCLUDED,
                SubjectInStudy.id.in_([subject_id for _, subject_id in existing]),
            ),
        )
    ).scalars()
    zone = tenant_zone()
    for participation in participations:
        _plan_pair(
            questionnaire,
            participation,
            existing.get((questionnaire.id, participation.id), []),
            zone,
        )


def plan_participation(participation: SubjectInStudy) -> None:
    """After a subject's inclusion date or status changed: all their occurrences re-planned
    (an ended participation cancels the open ones)."""
    existing = _existing(Occurrence.subject_in_study_id == participation.id)
    questionnaires = db.session.execute(
        sa.select(Questionnaire).where(Questionnaire.study_id == participation.study_id)
    ).scalars()
    zone = tenant_zone()
    for questionnaire in questionnaires:
        _plan_pair(
            questionnaire,
            participation,
            existing.get((questionnaire.id, participation.id), []),
            zone,
        )


def on_participation_changed(participation: SubjectInStudy) -> None:
    """The subjects plugin's signal (in tenants with ePRO enabled): re-plan."""
    plan_participation(participation)


def on_tenant_settings_changed(_settings: Any, changed: set[str]) -> None:
    """A new time zone (in a tenant with ePRO enabled) moves every occurrence not sent yet
    to its local send time."""
    if "time_zone" in changed:
        for questionnaire in db.session.execute(sa.select(Questionnaire)).scalars():
            plan_questionnaire(questionnaire)


def visible(statement: sa.Select, study: Study) -> sa.Select:
    """``statement`` (over occurrences) kept to the study and the centers the caller sees."""
    statement = statement.join(
        SubjectInStudy, SubjectInStudy.id == Occurrence.subject_in_study_id
    ).where(Occurrence.study_id == study.id)
    return restrict_to_visible_centers(statement, SubjectInStudy.center_id)


def list_occurrences(
    study: Study, status: str | None = None, questionnaire: Any = None, center: Any = None
) -> sa.Select:
    """The study's occurrences, the most recently opened first (e.g. the missed ones)."""
    statement = visible(
        sa.select(Occurrence).options(
            selectinload(Occurrence.messages),
            contains_eager(Occurrence.participation),
            joinedload(Occurrence.questionnaire),
        ),
        study,
    )
    if status:
        statement = statement.where(Occurrence.status == status)
    if questionnaire is not None:
        statement = statement.join(
            Questionnaire, Questionnaire.id == Occurrence.questionnaire_id
        ).where(Questionnaire.uuid == questionnaire)
    if center is not None:
        statement = statement.join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id).where(
            StudyCenter.uuid == center
        )
    return statement.order_by(Occurrence.opens_at.desc(), Occurrence.id.desc())


def get_occurrence(study: Study, occurrence_uuid: Any) -> Occurrence:
    """One occurrence of the study, at a center the caller may see."""
    return get_in_study(Occurrence, occurrence_uuid, Message("No such occurrence."), study=study)


def subject_occurrences(participation: SubjectInStudy) -> list[Occurrence]:
    return list(
        db.session.execute(
            sa.select(Occurrence)
            .options(selectinload(Occurrence.messages))
            .where(Occurrence.subject_in_study_id == participation.id)
            .order_by(Occurrence.opens_at, Occurrence.id)
        ).scalars()
    )


def not_open(occurrence: Occurrence, message: Message) -> DatacaptException:
    """409 EPRO_OCCURRENCE_CLOSED: the occurrence is not where the action needs it."""
    return conflict(EproCodes.EPRO_OCCURRENCE_CLOSED, message, status=occurrence.status)


def cancel(occurrence: Occurrence, reason: str) -> Occurrence:
    """Staff cancel an open occurrence, saying why: nothing more is sent, its link dies."""
    if occurrence.status not in OPEN_STATUSES:
        raise not_open(occurrence, Message("Only an open occurrence can be cancelled."))
    _cancel(occurrence, reason)
    db.session.flush()
    return occurrence


def check_resendable(occurrence: Occurrence) -> None:
    """Only an occurrence already sent, not completed and still open can be sent again."""
    if (
        occurrence.status not in (OccurrenceStatus.SENT, OccurrenceStatus.STARTED)
        or occurrence.closes_at <= utcnow()
    ):
        raise not_open(
            occurrence, Message("Only a sent occurrence that is still open can be sent again.")
        )


def schedule_occurrence(
    participation: SubjectInStudy, questionnaire_code: str, *, in_days: int = 0
) -> Occurrence:
    """One more occurrence of the study's questionnaire for an included subject, opening
    ``in_days`` from today at the questionnaire's send time (tenant's zone), outside its
    schedule: re-planning keeps it. 404 for no such questionnaire; 409 when the subject
    is not included, the questionnaire is inactive or the subject has one that day."""
    questionnaire = db.session.execute(
        sa.select(Questionnaire).where(
            Questionnaire.study_id == participation.study_id,
            Questionnaire.code == questionnaire_code,
        )
    ).scalar_one_or_none()
    if questionnaire is None:
        raise not_found(Message("No such questionnaire."))
    refused = _why_none(questionnaire, participation)
    if refused is not None or participation.inclusion_date is None:
        raise conflict(InternalCodes.CONFLICT, Message(refused or PARTICIPATION_ENDED))
    zone = tenant_zone()
    opens_on = utcnow().astimezone(zone).date() + dt.timedelta(days=in_days)
    day = (opens_on - participation.inclusion_date).days
    taken = db.session.execute(
        sa.select(Occurrence.id).where(
            Occurrence.questionnaire_id == questionnaire.id,
            Occurrence.subject_in_study_id == participation.id,
            Occurrence.day == day,
        )
    ).first()
    if taken is not None:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("The subject has an occurrence of this questionnaire that day already."),
            day=day,
        )
    planned = planned_occurrences(
        {**questionnaire.schedule, "days": [day]}, participation.inclusion_date, zone
    )[0]
    occurrence = Occurrence(
        study_id=questionnaire.study_id,
        questionnaire=questionnaire,
        participation=participation,
        day=day,
        status=OccurrenceStatus.SCHEDULED,
        opens_at=planned.opens_at,
        due_at=planned.due_at,
        closes_at=planned.closes_at,
        next_send_at=outside_quiet_hours(planned.opens_at, questionnaire.reminders, zone),
        reminders_sent=0,
        extra=True,
    )
    db.session.add(occurrence)
    db.session.flush()
    return occurrence
