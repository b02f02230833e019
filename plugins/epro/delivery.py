"""Sending: each tick sends the invitations and reminders that are due (outside quiet
hours) and expires what closed; each message is then delivered by a job, by email or SMS,
and its outcome recorded on it. A tick locks what it sends, so two ticks never send the
same message."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    InternalCodes,
    Message,
    SmsBackend,
    commit_job_step,
    current_tenant,
    db,
    digest,
    enqueue,
    frontend_url,
    record_event,
    send_email_now,
    sms_backend,
    utcnow,
)
from plugins.epro.messages import EMAIL_TEMPLATES, SMS_TEMPLATES
from plugins.epro.models import (
    OPEN_STATUSES,
    Channel,
    EproMessage,
    MessageKind,
    MessageStatus,
    Occurrence,
    OccurrenceStatus,
)
from plugins.epro.occurrences import check_resendable, not_open, tenant_zone
from plugins.epro.schedule import next_reminder_at, outside_quiet_hours, reminder_allowed
from plugins.subjects.api import SubjectInStudy, SubjectPersonalData

# A delivery job is retried for about 6 minutes (datacapt.jobs.options): past that, its
# messages need another.
STALE_AFTER = dt.timedelta(minutes=15)
# By a questionnaire's channel as stored (a Channel is its str value).
ADDRESS_FIELD: dict[str, str] = {Channel.EMAIL: "email", Channel.SMS: "phone"}
NO_ADDRESS: dict[str, str] = {
    Channel.EMAIL: "The subject has no email address.",
    Channel.SMS: "The subject has no phone number.",
}


def link_token(occurrence: Occurrence) -> str:
    """The subject's token for an occurrence: derived from the secret key, so each message
    can carry it while only its hash is stored (a new SECRET_KEY ends every link)."""
    key = current_app.config["SECRET_KEY"].encode()
    scope = f"epro-link:{current_tenant().schema_name}:{occurrence.uuid}".encode()
    mac = hmac.new(key, scope, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _contacts(occurrences: Iterable[Occurrence]) -> dict[int, SubjectPersonalData]:
    """Each occurrence's subject's contact details, by participation id."""
    rows = db.session.execute(
        sa.select(SubjectInStudy.id, SubjectPersonalData)
        .join(SubjectPersonalData, SubjectPersonalData.subject_id == SubjectInStudy.subject_id)
        .where(SubjectInStudy.id.in_({o.subject_in_study_id for o in occurrences}))
    )
    return {participation_id: contact for participation_id, contact in rows}


def _queue_messages(
    occurrences: list[Occurrence], kinds: dict[int, MessageKind]
) -> list[EproMessage]:
    """One message per channel of each occurrence's questionnaire; one whose subject has no
    address for the channel is recorded as failed at once, saying so."""
    contacts = _contacts(occurrences)
    messages = []
    for occurrence in occurrences:
        contact = contacts.get(occurrence.subject_in_study_id)
        for channel in occurrence.questionnaire.channels:
            address = getattr(contact, ADDRESS_FIELD[channel], None)
            message = EproMessage(
                occurrence_id=occurrence.id,
                kind=kinds[occurrence.id],
                channel=channel,
                language=contact.language if contact else "en",
                status=MessageStatus.QUEUED if address else MessageStatus.FAILED,
                error=None if address else NO_ADDRESS[channel],
                attempts=0,
            )
            db.session.add(message)
            messages.append(message)
    db.session.flush()
    queued = [m.id for m in messages if m.status == MessageStatus.QUEUED]
    if queued:
        enqueue(deliver_messages, queued, tenant=current_tenant())
    return messages


def send_due() -> int:
    """One tick in this tenant: expire what closed, send what is due; returns how many
    occurrences had a message sent."""
    now = utcnow()
    expiring = db.session.execute(
        sa.select(Occurrence)
        .where(Occurrence.status.in_(OPEN_STATUSES), Occurrence.closes_at <= now)
        .with_for_update(of=Occurrence, skip_locked=True)
    ).scalars()
    for occurrence in expiring:
        occurrence.transition_to(OccurrenceStatus.EXPIRED)
        occurrence.next_send_at = None
    due = db.session.execute(
        sa.select(Occurrence)
        .where(
            Occurrence.status.in_(OPEN_STATUSES),
            Occurrence.next_send_at <= now,
            Occurrence.closes_at > now,
        )
        .order_by(Occurrence.next_send_at)
        .with_for_update(of=Occurrence, skip_locked=True)
    ).scalars()
    zone = tenant_zone()
    sending, kinds = [], {}
    for occurrence in due:
        policy = occurrence.questionnaire.reminders
        allowed = outside_quiet_hours(now, policy, zone)
        if allowed > now:  # a tick that came late, into quiet hours
            occurrence.next_send_at = allowed
            continue
        if occurrence.status == OccurrenceStatus.SCHEDULED:
            _open(occurrence, now)
            kinds[occurrence.id] = MessageKind.INVITATION
        elif not reminder_allowed(occurrence.reminders_sent, policy):
            occurrence.next_send_at = None  # the policy changed since it was planned
            continue
        else:
            occurrence.reminders_sent += 1
            kinds[occurrence.id] = MessageKind.REMINDER
        occurrence.next_send_at = next_reminder_at(
            now, occurrence.reminders_sent, occurrence.closes_at, policy, zone
        )
        sending.append(occurrence)
    db.session.flush()
    if sending:
        _queue_messages(sending, kinds)
    _redeliver_stale(now)
    db.session.flush()
    return len(sending)


def _open(occurrence: Occurrence, now: dt.datetime) -> None:
    """The occurrence goes to its subject: sent, and its link's token now opens it."""
    occurrence.transition_to(OccurrenceStatus.SENT)
    occurrence.sent_at = now
    occurrence.token_hash = digest(link_token(occurrence))


def subject_link(frontend: str, token: str) -> str:
    """The page of the frontend where a subject answers (it sends the token as Qr-Code)."""
    return f"{frontend}/epro/{token}"


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
    token = link_token(occurrence)
    link = {
        "link": subject_link(frontend_url(), token),
        "token": token,
        "closes_at": occurrence.closes_at,
    }
    db.session.flush()
    return link


def _redeliver_stale(now: dt.datetime) -> None:
    """Messages still queued long after they were recorded (their delivery job failed for
    good, or was lost) get another one: none stays unsent without anyone noticing."""
    stale = list(
        db.session.execute(
            sa.select(EproMessage.id).where(
                EproMessage.status == MessageStatus.QUEUED,
                EproMessage.created_at < now - STALE_AFTER,
            )
        ).scalars()
    )
    if stale:
        enqueue(deliver_messages, stale, tenant=current_tenant())


def resend(occurrence: Occurrence) -> list[EproMessage]:
    """Staff send the invitation again (same link) on every channel, if still open."""
    check_resendable(occurrence)
    messages = _queue_messages([occurrence], {occurrence.id: MessageKind.INVITATION})
    db.session.flush()
    return messages


def check_provider_signature(authorization: str | None) -> None:
    """A delivery report must carry the secret shared with the HTTP SMS provider (the one
    in SMS_URL); without a configured secret no report is taken."""
    secret = getattr(sms_backend(current_app.config["SMS_URL"]), "token", None)
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            InternalCodes.AUTHENTICATION_REQUIRED,
            Message("This report is not signed by the SMS provider."),
        )


def record_delivery_report(provider_id: str, status: str, error: str | None) -> EproMessage:
    """The provider's later word on an SMS it accepted: one it could not deliver becomes
    bounced, with its reason (a delivered one stays sent)."""
    message = db.session.execute(
        sa.select(EproMessage).where(
            EproMessage.provider_id == provider_id, EproMessage.channel == Channel.SMS
        )
    ).scalar_one_or_none()
    if message is None:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.OBJECT_NOT_FOUND, Message("No such message.")
        )
    if status != "delivered":
        message.status, message.error = MessageStatus.BOUNCED, error or status
    db.session.flush()
    return message


@dataclass(frozen=True)
class Recipient:
    """What a message about one occurrence needs, read once per delivery job (a commit
    expires ORM rows, and each message commits)."""

    email: str | None
    phone: str | None
    titles: dict[str, str]
    closes: str  # local time
    link: str

    @classmethod
    def of(
        cls, occurrence: Occurrence, contact: SubjectPersonalData, zone: ZoneInfo, frontend: str
    ) -> Recipient:
        return cls(
            email=contact.email,
            phone=contact.phone,
            titles=dict(occurrence.questionnaire.title),
            closes=f"{occurrence.closes_at.astimezone(zone):%Y-%m-%d %H:%M}",
            link=subject_link(frontend, link_token(occurrence)),
        )


def _render(kind: str, channel: str, language: str, recipient: Recipient) -> tuple[str, str]:
    """The subject line (empty for SMS) and text of a message, in its language."""
    context = {
        "questionnaire": recipient.titles.get(language) or next(iter(recipient.titles.values())),
        "closes": recipient.closes,
        "link": recipient.link,
    }
    if channel == Channel.EMAIL:
        subject, body = EMAIL_TEMPLATES[kind]
        return (
            subject.with_params(**context).render(language),
            body.with_params(**context).render(language),
        )
    return "", SMS_TEMPLATES[kind].with_params(**context).render(language)


def _recipients(message_ids: list[int]) -> dict[int, Recipient]:
    """The recipient of each occurrence the messages are about."""
    occurrences = list(
        db.session.execute(
            sa.select(Occurrence).where(
                Occurrence.id.in_(
                    sa.select(EproMessage.occurrence_id).where(EproMessage.id.in_(message_ids))
                )
            )
        ).scalars()
    )
    contacts, zone, frontend = _contacts(occurrences), tenant_zone(), frontend_url()
    return {
        occurrence.id: Recipient.of(
            occurrence, contacts[occurrence.subject_in_study_id], zone, frontend
        )
        for occurrence in occurrences
    }


def deliver_messages(message_ids: list[int]) -> int:
    """Job: deliver queued messages, each committed with its outcome (sent, or failed with
    the reason) so that a rerun sends only what is still queued. Returns how many went."""
    recipients = _recipients(message_ids)
    sms: SmsBackend = sms_backend(current_app.config["SMS_URL"])
    sender = current_app.config["SMS_FROM"]
    sent = 0
    for message_id in message_ids:
        # Locked and re-read one by one: a message another run took, or already sent, is
        # left alone.
        message = db.session.execute(
            sa.select(EproMessage)
            .where(EproMessage.id == message_id, EproMessage.status == MessageStatus.QUEUED)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if message is None:
            db.session.rollback()
            continue
        recipient = recipients[message.occurrence_id]
        subject, text = _render(message.kind, message.channel, message.language, recipient)
        error: str | None
        try:
            if message.channel == Channel.EMAIL:
                send_email_now(recipient.email or "", subject, text)
            else:
                message.provider_id = sms.send(recipient.phone or "", text, sender)
        except Exception as exc:  # any backend failure is the message's outcome
            status, error, sent_at = MessageStatus.FAILED, f"{type(exc).__name__}: {exc}", None
        else:
            status, error, sent_at = MessageStatus.SENT, None, utcnow()
            sent += 1
        message.status, message.error, message.sent_at = status, error, sent_at
        message.attempts += 1
        commit_job_step()  # this message's outcome holds whatever becomes of the next
    return sent
