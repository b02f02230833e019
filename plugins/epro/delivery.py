"""Sending: each tick sends the invitations and reminders that are due (outside quiet
hours) and expires what closed; each message is a notification of the core
(datacapt.notifications), delivered by its jobs, by email or SMS, with its outcome recorded
on it. A tick locks what it sends, so two ticks never send the same message."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    AuditContext,
    Channel,
    Message,
    Outgoing,
    Recipient,
    RecipientKind,
    RowChange,
    Study,
    StudyCenter,
    StudyStatus,
    db,
    digest,
    frontend_url,
    json_rows,
    not_found,
    notify_all,
    record_event,
    record_provider_report,
    utcnow,
    write_audited,
)
from plugins.epro.messages import TEMPLATE_OF_KIND, link_token, subject_link
from plugins.epro.models import (
    OPEN_STATUSES,
    EproMessage,
    MessageKind,
    Occurrence,
    OccurrenceStatus,
)
from plugins.epro.occurrences import check_resendable, not_open, tenant_zone
from plugins.epro.schedule import (
    next_reminder_at,
    outside_quiet_hours,
    quiet_hours,
    reminder_allowed,
)
from plugins.epro.signals import occurrence_missed
from plugins.subjects.api import SubjectInStudy, SubjectPersonalData

# Studies whose subjects get invitations and reminders (a draft's: its tests).
SENDING_STUDIES = (StudyStatus.DRAFT, StudyStatus.LIVE)
# By a questionnaire's channel as stored (a Channel is its str value).
ADDRESS_FIELD: dict[str, str] = {Channel.EMAIL: "email", Channel.SMS: "phone"}


@dataclass(frozen=True)
class _Subject:
    """A participation as its messages and its occurrences' audit records need it."""

    public_id: uuid.UUID
    center_id: int | None
    language: str
    addresses: dict[str, str | None]  # by channel
    # Its study, center and itself, as SubjectInStudy.audit_context() names them.
    context: AuditContext


def _subjects(occurrences: Iterable[Occurrence]) -> dict[int, _Subject]:
    """Each occurrence's participation with its subject's contact details, by its id, in
    one statement with the public ids of their studies and centers."""
    rows = db.session.execute(
        sa.select(
            SubjectInStudy.id,
            SubjectInStudy.uuid,
            SubjectInStudy.center_id,
            Study.uuid.label("study"),
            StudyCenter.uuid.label("center"),
            SubjectPersonalData.language,
            *(getattr(SubjectPersonalData, field) for field in ADDRESS_FIELD.values()),
        )
        .join(Study, Study.id == SubjectInStudy.study_id)
        .outerjoin(StudyCenter, StudyCenter.id == SubjectInStudy.center_id)
        .outerjoin(SubjectPersonalData, SubjectPersonalData.subject_id == SubjectInStudy.subject_id)
        .where(SubjectInStudy.id.in_({o.subject_in_study_id for o in occurrences}))
    )
    return {
        row.id: _Subject(
            row.uuid,
            row.center_id,
            row.language or "en",
            {channel: getattr(row, field) for channel, field in ADDRESS_FIELD.items()},
            AuditContext(
                study=str(row.study),
                center=str(row.center) if row.center else None,
                subject=str(row.uuid),
            ),
        )
        for row in rows
    }


def _queue_messages(
    occurrences: list[Occurrence],
    kinds: dict[int, MessageKind],
    subjects: dict[int, _Subject],
    quiet: bool = True,
) -> list[int]:
    """One message per channel of each occurrence's questionnaire, in the subject's
    language, kept to the questionnaire's quiet hours unless ``quiet`` is False (staff
    resend now); one whose subject has no address for the channel is failed at once. The
    notifications and their messages are written by one INSERT each; the messages' ids."""
    zone = tenant_zone()
    outgoing, about = [], []
    for occurrence in occurrences:
        subject = subjects[occurrence.subject_in_study_id]
        language = subject.language
        titles = occurrence.questionnaire.title
        params = {
            "questionnaire": titles.get(language) or next(iter(titles.values())),
            "closes": f"{occurrence.closes_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "occurrence": str(occurrence.uuid),
        }
        for channel in occurrence.questionnaire.channels:
            outgoing.append(
                Outgoing(
                    TEMPLATE_OF_KIND[kinds[occurrence.id]],
                    Channel(channel),
                    Recipient(
                        RecipientKind.SUBJECT,
                        subject.public_id,
                        subject.addresses[channel],
                        language,
                    ),
                    params,
                    study_id=occurrence.study_id,
                    center_id=subject.center_id,
                    quiet_hours=quiet_hours(occurrence.questionnaire.reminders) if quiet else None,
                )
            )
            about.append({"occurrence_id": occurrence.id, "kind": kinds[occurrence.id]})
    if not outgoing:
        return []
    notification_ids = notify_all(outgoing)
    table = EproMessage.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    return list(
        db.session.scalars(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {**message, "notification_id": notification_id}
                for message, notification_id in zip(about, notification_ids, strict=True)
            ],
        )
    )


# What the tick moves on an occurrence: each moved one is written with all of them.
_MOVED = ("status", "sent_at", "token_hash", "next_send_at", "reminders_sent")


def _move(
    occurrence: Occurrence, now: dt.datetime, zone: ZoneInfo
) -> tuple[dict[str, Any], MessageKind | None]:
    """What the tick does to a due occurrence: its new values (``_MOVED``) and the kind
    of message it sends (None: none, only its next time moves)."""
    values = {name: getattr(occurrence, name) for name in _MOVED}
    policy = occurrence.questionnaire.reminders
    allowed = outside_quiet_hours(now, policy, zone)
    if allowed > now:  # a tick that came late, into quiet hours
        values["next_send_at"] = allowed
        return values, None
    if occurrence.status == OccurrenceStatus.SCHEDULED:
        # Scheduled to sent, a transition the model allows: written set-based, it is not
        # checked again by the ORM (_open checks it on the ORM path).
        values.update(_opened(occurrence, now))
        kind = MessageKind.INVITATION
    elif not reminder_allowed(occurrence.reminders_sent, policy):
        values["next_send_at"] = None  # the policy changed since it was planned
        return values, None
    else:
        values["reminders_sent"] += 1
        kind = MessageKind.REMINDER
    values["next_send_at"] = next_reminder_at(
        now, values["reminders_sent"], occurrence.closes_at, policy, zone
    )
    return values, kind


def _write_moves(
    moves: list[tuple[Occurrence, dict[str, Any]]], subjects: dict[int, _Subject]
) -> None:
    """The moved occurrences in one UPDATE with an audit record of each (its changed
    fields), through the audit recorder's set-based write, in one statement."""
    changes, rows = [], []
    for occurrence, values in moves:
        pairs = {
            name: (getattr(occurrence, name), value)
            for name, value in values.items()
            if getattr(occurrence, name) != value
        }
        if pairs:
            context = subjects[occurrence.subject_in_study_id].context
            changes.append(RowChange("update", str(occurrence.uuid), pairs, context))
            rows.append((occurrence.id, *values.values()))
    if not changes:
        return
    table = Occurrence.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    names = ("id", *_MOVED)
    moved = json_rows(
        [table.c[name] for name in names], [dict(zip(names, row, strict=True)) for row in rows]
    ).subquery("moved")
    write_audited(
        Occurrence,
        sa.update(table)
        .where(table.c.id == moved.c.id)
        .values({name: moved.c[name] for name in _MOVED}),
        changes,
    )


def send_due() -> int:
    """One tick in this tenant: expire what closed, send what is due; returns how many
    occurrences had a message sent."""
    now = utcnow()
    expiring = (
        db.session.execute(
            sa.select(Occurrence)
            .where(Occurrence.status.in_(OPEN_STATUSES), Occurrence.closes_at <= now)
            .with_for_update(of=Occurrence, skip_locked=True)
        )
        .scalars()
        .all()
    )
    for occurrence in expiring:
        occurrence.transition_to(OccurrenceStatus.EXPIRED)
        occurrence.next_send_at = None
    if expiring:
        db.session.flush()
        for occurrence in expiring:
            occurrence_missed.send(occurrence)
    due = (
        db.session.execute(
            sa.select(Occurrence)
            .where(
                Occurrence.status.in_(OPEN_STATUSES),
                Occurrence.next_send_at <= now,
                Occurrence.closes_at > now,
                # An ended, archived or deleted study's subjects are sent nothing more.
                Occurrence.study_id.in_(
                    sa.select(Study.id).where(
                        Study.status.in_(SENDING_STUDIES), Study.deleted_at.is_(None)
                    )
                ),
            )
            .order_by(Occurrence.next_send_at)
            .with_for_update(of=Occurrence, skip_locked=True)
        )
        .scalars()
        .all()
    )
    if not due:
        return 0
    subjects = _subjects(due)
    zone = tenant_zone()
    moves, sending, kinds = [], [], {}
    for occurrence in due:
        values, kind = _move(occurrence, now, zone)
        moves.append((occurrence, values))
        if kind is not None:
            sending.append(occurrence)
            kinds[occurrence.id] = kind
    # Written before the occurrences (which the write expires), from their loaded values.
    _queue_messages(sending, kinds, subjects)
    _write_moves(moves, subjects)
    return len(sending)


def _opened(occurrence: Occurrence, now: dt.datetime) -> dict[str, Any]:
    """An occurrence going to its subject: sent, and its link's token now opens it."""
    return {
        "status": OccurrenceStatus.SENT,
        "sent_at": now,
        "token_hash": digest(link_token(occurrence.uuid)),
    }


def _open(occurrence: Occurrence, now: dt.datetime) -> None:
    opened = _opened(occurrence, now)
    occurrence.transition_to(opened.pop("status"))
    for name, value in opened.items():
        setattr(occurrence, name, value)


def hand_out_link(occurrence: Occurrence) -> dict[str, Any]:
    """The subject's link, for a QR code that site staff show them to answer in person.
    An occurrence due but not sent yet is sent by this; handing the link out is audited,
    as whoever holds it answers for the subject."""
    now = utcnow()
    if occurrence.status == OccurrenceStatus.SCHEDULED and occurrence.opens_at <= now:
        _open(occurrence, now)
        occurrence.next_send_at = next_reminder_at(
            now, 0, occurrence.closes_at, occurrence.questionnaire.reminders, tenant_zone()
        )
    if (
        occurrence.status not in (OccurrenceStatus.SENT, OccurrenceStatus.STARTED)
        or occurrence.closes_at <= now
    ):
        raise not_open(occurrence, Message("Only an occurrence open now can go to its subject."))
    record_event("link_handed_out", occurrence)
    token = link_token(occurrence.uuid)
    link = {
        "link": subject_link(frontend_url(), token),
        "token": token,
        "closes_at": occurrence.closes_at,
    }
    db.session.flush()
    return link


def resend(occurrence: Occurrence) -> list[EproMessage]:
    """Staff send the invitation again (same link) on every channel, if still open."""
    check_resendable(occurrence)
    ids = _queue_messages(
        [occurrence],
        {occurrence.id: MessageKind.INVITATION},
        _subjects([occurrence]),
        quiet=False,
    )
    return list(
        db.session.scalars(
            sa.select(EproMessage).where(EproMessage.id.in_(ids)).order_by(EproMessage.id)
        )
    )


def record_delivery_report(provider_id: str, status: str, error: str | None) -> EproMessage:
    """The SMS provider's later word on a message about an occurrence (the core's
    report, datacapt.notifications.services.record_provider_report)."""
    notification = record_provider_report(provider_id, status, error)
    message = db.session.execute(
        sa.select(EproMessage).where(EproMessage.notification_id == notification.id)
    ).scalar_one_or_none()
    if message is None:
        raise not_found(Message("No such message."))
    return message
