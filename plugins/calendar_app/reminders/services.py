"""Reminders: planned when an appointment is booked or moved (one per recipient and
offset of the study's settings, due in the tenant's zone), dropped when it is cancelled,
sent by the tick (every minute) once each."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    Recipient,
    RecipientKind,
    Study,
    User,
    db,
    get_tenant_settings,
    notify,
    utcnow,
)
from plugins.calendar_app.appointments.models import ACTIVE_STATUSES, Appointment
from plugins.calendar_app.messages import CONFIRMATION, REMINDER
from plugins.calendar_app.reminders.models import Reminder, ReminderState
from plugins.calendar_app.settings import calendar_settings, reminder_time
from plugins.subjects.api import ConsentStatus, SubjectInStudy, SubjectPersonalData, SubjectStatus


def _zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def plan_reminders(study: Study, appointment: Appointment) -> None:
    """Those still to come: a reminder due before now (a booking for tomorrow morning,
    with a "1d" offset) is not sent late."""
    zone, now = _zone(), utcnow()
    recipients: list[int | None] = [None] if appointment.subject_in_study_id else []
    recipients += [b.user_id for b in appointment.bookings if b.user_id is not None]
    # Each offset once: one named twice in the setting would remind twice.
    for offset in dict.fromkeys(calendar_settings(study)["reminder_offsets"]):
        due = reminder_time(appointment.starts_at, offset, zone)
        if due <= now:
            continue
        for user_id in dict.fromkeys(recipients):
            db.session.add(
                Reminder(
                    appointment_id=appointment.id,
                    user_id=user_id,
                    offset=offset,
                    due_at=due,
                    state=ReminderState.PENDING,
                )
            )
    db.session.flush()


def drop_reminders(appointment: Appointment) -> None:
    db.session.execute(
        sa.update(Reminder)
        .where(Reminder.appointment_id == appointment.id, Reminder.state == ReminderState.PENDING)
        .values(state=ReminderState.DROPPED)
    )


def replan_after_zone_change() -> None:
    """The tenant's zone changed: reminders not sent yet fall due at the new local times."""
    pending = db.session.execute(
        sa.select(Reminder, Appointment)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .where(Reminder.state == ReminderState.PENDING)
    ).all()
    zone = _zone()
    for reminder, appointment in pending:
        reminder.due_at = reminder_time(appointment.starts_at, reminder.offset, zone)
    db.session.flush()


def _contacts(participations: Iterable[SubjectInStudy]) -> dict[int, SubjectPersonalData]:
    """The subjects' contact details, by subject id, in one read."""
    rows = db.session.execute(
        sa.select(SubjectPersonalData).where(
            SubjectPersonalData.subject_id.in_({p.subject_id for p in participations})
        )
    ).scalars()
    return {contact.subject_id: contact for contact in rows}


def may_contact(participation: SubjectInStudy) -> bool:
    """Not a subject who was excluded, withdrew or withdrew their consent."""
    return (
        participation.status
        not in (
            SubjectStatus.EXCLUDED,
            SubjectStatus.WITHDRAWN,
        )
        and participation.consent_status != ConsentStatus.WITHDRAWN
    )


def subject_recipient(
    participation: SubjectInStudy, contact: SubjectPersonalData | None
) -> tuple[Recipient, Channel]:
    """By SMS where the subject has a phone number, else by email."""
    language = contact.language if contact else "en"
    if contact is not None and contact.phone:
        recipient = Recipient(RecipientKind.SUBJECT, participation.uuid, contact.phone, language)
        return recipient, Channel.SMS
    email = contact.email if contact else None
    return Recipient(RecipientKind.SUBJECT, participation.uuid, email, language), Channel.EMAIL


def message_params(appointment: Appointment, zone: ZoneInfo) -> dict[str, str]:
    return {
        "title": appointment.title,
        "when": f"{appointment.starts_at.astimezone(zone):%Y-%m-%d %H:%M}",
        "center": appointment.center.name,
        "appointment": str(appointment.uuid),
    }


def _notify(
    template: str,
    appointment: Appointment,
    recipient: tuple[Recipient, Channel],
    zone: ZoneInfo,
) -> uuid.UUID:
    notification = notify(
        template,
        recipient[1],
        recipient[0],
        message_params(appointment, zone),
        study_id=appointment.study_id,
        center_id=appointment.center_id,
    )
    return notification.uuid


def send_confirmation(appointment: Appointment) -> None:
    """The subject's: their appointment, with the link to its .ics."""
    participation = appointment.participation
    if participation is not None and may_contact(participation):
        contact = _contacts([participation]).get(participation.subject_id)
        _notify(CONFIRMATION, appointment, subject_recipient(participation, contact), _zone())


def send_due() -> int:
    """One tick in this tenant: the reminders due now, each sent once (two ticks at once
    skip each other's rows); those of appointments no longer to come are dropped. What the
    messages need is read first, in a few statements; the messages are written in one
    flush."""
    now, zone = utcnow(), _zone()
    due = (
        db.session.execute(
            sa.select(Reminder)
            .where(Reminder.state == ReminderState.PENDING, Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    appointments = {
        a.id: a
        for a in db.session.execute(
            sa.select(Appointment).where(Appointment.id.in_({r.appointment_id for r in due}))
        ).scalars()
    }
    users = {
        u.id: u
        for u in db.session.execute(
            sa.select(User).where(User.id.in_({r.user_id for r in due if r.user_id}))
        ).scalars()
    }
    contacts = _contacts(a.participation for a in appointments.values() if a.participation)
    sent = 0
    with db.session.no_autoflush:
        for reminder in due:
            appointment = appointments[reminder.appointment_id]
            participation = appointment.participation
            ended = reminder.user_id is None and not (participation and may_contact(participation))
            if ended or appointment.status not in ACTIVE_STATUSES or appointment.starts_at <= now:
                reminder.state = ReminderState.DROPPED
                continue
            if reminder.user_id is not None:
                recipient = Recipient.of_user(users[reminder.user_id]), Channel.EMAIL
            else:
                assert participation is not None
                recipient = subject_recipient(participation, contacts.get(participation.subject_id))
            reminder.notification_uuid = _notify(REMINDER, appointment, recipient, zone)
            reminder.state = ReminderState.SENT
            reminder.sent_at = now
            sent += 1
    db.session.flush()
    return sent
