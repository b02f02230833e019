"""Messages to users, subjects and invitees: ``notify`` records one in the current
transaction, in the recipient's language, and it is delivered by a job once that commits
(datacapt.notifications.delivery); bounces reported later; the delivery reports.

Who reads what: the reports list each message's state, channel, template, recipient (by
id), attempts, timestamps and reason (the recipient's address removed from it), to holders
of ``notifications.access`` (in a study: at the centers they see; the tenant's own messages,
such as password resets: in the platform role). A message's address and text are personal
data: only ``notifications.view_content`` reads them, one message at a time, and every such
read is audited. Secrets (the tokens in links) are never stored, so never read back.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from datacapt.audit.recorder import record_event
from datacapt.database import db, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, not_found
from datacapt.i18n import Message
from datacapt.identity.models import User
from datacapt.notifications.delivery import (
    dispatch_ids_on_commit,
    dispatch_on_commit,
    scrubbed,
    tenant_zone,
)
from datacapt.notifications.models import (
    Channel,
    Notification,
    NotificationState,
    RecipientKind,
)
from datacapt.notifications.quiet import QuietHours
from datacapt.notifications.templates import template_registry
from datacapt.sms.backends import backend_from_url as sms_backend
from datacapt.studies.context import restrict_to_visible_centers
from datacapt.studies.models import Study, StudyCenter
from datacapt.tenancy.branding import tenant_branding

NO_ADDRESS = {
    Channel.EMAIL: "The {kind} has no email address.",
    Channel.SMS: "The {kind} has no phone number.",
}


@dataclass(frozen=True)
class Recipient:
    """Whom a message goes to, and where: ``address`` is an email or a phone number (None:
    none known, the message is recorded as failed at once)."""

    kind: RecipientKind
    id: uuid.UUID | None
    address: str | None
    language: str = "en"

    @classmethod
    def of_user(cls, user: User) -> Recipient:
        """A user, at their email address, in their language."""
        return cls(RecipientKind.USER, user.uuid, user.email, user.language)


@dataclass(frozen=True)
class Outgoing:
    """One message for ``notify_all``: the arguments of ``notify``."""

    template: str
    channel: Channel
    recipient: Recipient
    params: Mapping[str, Any]
    study_id: int | None = None
    center_id: int | None = None
    quiet_hours: QuietHours | None = None


def _row(
    message: Outgoing, branding: Mapping[str, Any], now: dt.datetime, zone: ZoneInfo | None
) -> dict[str, Any]:
    """The notification's columns: its text recorded, queued (held back by its quiet
    hours, or failed at once without an address); ``dispatched_at`` set when it goes now.
    ``zone``: the tenant's, read here when not given."""
    declared = template_registry().get(message.template, message.channel)
    language = declared.language_for(message.recipient.language)
    params = {**branding, **message.params}
    subject, body = declared.recorded(language, params)
    quiet = message.quiet_hours
    row: dict[str, Any] = {
        "uuid": uuid.uuid4(),
        "recipient_kind": message.recipient.kind,
        "recipient_id": message.recipient.id,
        "study_id": message.study_id,
        "center_id": message.center_id,
        "channel": message.channel,
        "template": message.template,
        "language": language,
        "address": message.recipient.address or None,
        "subject": subject,
        "body": body,
        "context": dict(params) if declared.secret_params else None,
        "quiet_start": quiet.start if quiet else None,
        "quiet_end": quiet.end if quiet else None,
        "state": NotificationState.QUEUED,
        "reason": None,
        "attempts": 0,
        "not_before": None,
        "failed_at": None,
        "dispatched_at": None,
    }
    if row["address"] is None:
        row["state"], row["failed_at"] = NotificationState.FAILED, now
        row["reason"] = NO_ADDRESS[message.channel].format(kind=message.recipient.kind)
    elif quiet is not None:
        allowed = quiet.next_allowed(now, zone or tenant_zone())
        row["not_before"] = allowed if allowed > now else None
    if row["state"] == NotificationState.QUEUED and row["not_before"] is None:
        row["dispatched_at"] = now
    return row


def notify(
    template: str,
    channel: Channel,
    recipient: Recipient,
    params: Mapping[str, Any],
    *,
    study_id: int | None = None,
    center_id: int | None = None,
    quiet_hours: QuietHours | None = None,
) -> Notification:
    """Record a message from a declared template (UnknownTemplate if there is none) and
    deliver it by a job once the current transaction commits (with it, or not at all).

    ``params`` are JSON values filling the template, besides the tenant's branding
    (``brand_name``, ``logo_url``) which any template may use. With ``quiet_hours`` (in the tenant's
    time zone) the message waits for their end, now and at each attempt; without, it goes
    at once (a password reset must not wait). ``study_id`` and ``center_id`` say where the
    message belongs, for the study's reports.
    """
    message = Outgoing(template, channel, recipient, params, study_id, center_id, quiet_hours)
    row = _row(message, tenant_branding().message_params(), utcnow(), None)
    # The uuid is known at once; the row is written with the caller's next flush.
    notification = Notification(**row)
    db.session.add(notification)
    if notification.dispatched_at is not None:
        dispatch_on_commit([notification])
    return notification


def notify_all(messages: Sequence[Outgoing]) -> list[int]:
    """``notify`` for many messages at once, written by one INSERT (a statement whatever
    their number): their ids, in order. Those that go now are delivered by jobs once the
    current transaction commits, as ``notify``'s."""
    if not messages:
        return []
    now, branding = utcnow(), tenant_branding().message_params()
    zone = tenant_zone() if any(message.quiet_hours for message in messages) else None
    rows = [_row(message, branding, now, zone) for message in messages]
    table = Notification.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    # The table's INSERT, not the ORM's: no object is made of the rows.
    ids = list(
        db.session.scalars(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
    )
    dispatch_ids_on_commit(
        [id_ for id_, row in zip(ids, rows, strict=True) if row["dispatched_at"] is not None]
    )
    return ids


NO_SUCH_MESSAGE = Message("No such message.")


def record_bounce(notification: Notification, reason: str) -> Notification:
    """A sent message was reported undeliverable: bounced, with the reason (audited). A
    second report of a bounce changes nothing; a message never sent cannot bounce."""
    if notification.state == NotificationState.BOUNCED:
        return notification
    if notification.state != NotificationState.SENT:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.ILLEGAL_STATUS_TRANSITION,
            # Only operators reach this (a provider reports on messages it took): English.
            "Only a sent message can bounce.",
            details={"state": notification.state},
        )
    reason = scrubbed(reason, notification.address)
    notification.state, notification.reason = NotificationState.BOUNCED, reason
    notification.bounced_at = utcnow()
    record_event(
        "bounce",
        notification,
        {"state": [NotificationState.SENT, NotificationState.BOUNCED], "reason": [None, reason]},
    )
    db.session.flush()
    return notification


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


def record_provider_report(provider_id: str, status: str, error: str | None) -> Notification:
    """The SMS provider's later word on a message it accepted: one it could not deliver
    bounced, with its reason (a delivered one stays sent)."""
    notification = db.session.execute(
        sa.select(Notification)
        .where(Notification.provider_id == provider_id, Notification.channel == Channel.SMS)
        .with_for_update()
    ).scalar_one_or_none()
    if notification is None:
        raise not_found(NO_SUCH_MESSAGE)
    if status != "delivered":
        record_bounce(notification, error or status)
    return notification


def find_notification(reference: str) -> Notification:
    """The message a bounce names: its uuid, its email's Message-ID (``<uuid@domain>``, as
    bounces quote it) or its SMS provider's id; 404 when none is."""
    local = reference.strip().strip("<>").partition("@")[0]
    try:
        condition = Notification.uuid == uuid.UUID(local)
    except ValueError:
        condition = Notification.provider_id == reference.strip()
    found = db.session.execute(
        sa.select(Notification).where(condition).with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise not_found(NO_SUCH_MESSAGE)
    return found


def _filtered(statement: sa.Select, filters: Mapping[str, Any]) -> sa.Select:
    columns = {
        "state": Notification.state,
        "channel": Notification.channel,
        "template": Notification.template,
        "recipient": Notification.recipient_id,
        "recipient_kind": Notification.recipient_kind,
    }
    for name, column in columns.items():
        if filters.get(name) is not None:
            statement = statement.where(column == filters[name])
    if filters.get("since") is not None:
        statement = statement.where(Notification.created_at >= filters["since"])
    if filters.get("until") is not None:
        statement = statement.where(Notification.created_at < filters["until"])
    if filters.get("center") is not None:
        statement = statement.where(
            Notification.center_id.in_(
                sa.select(StudyCenter.id).where(StudyCenter.uuid == filters["center"])
            )
        )
    return statement


def study_notifications(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    """The study's messages at the centers the caller sees, newest first."""
    statement = sa.select(Notification).where(Notification.study_id == study.id)
    statement = restrict_to_visible_centers(statement, Notification.center_id)
    return _filtered(statement, filters).order_by(Notification.id.desc())


def tenant_notifications(filters: Mapping[str, Any]) -> sa.Select:
    """The tenant's own messages, of no study (password resets, invitations to the
    tenant alone), newest first."""
    statement = sa.select(Notification).where(Notification.study_id.is_(None))
    return _filtered(statement, filters).order_by(Notification.id.desc())


def counts_by_state(statement: sa.Select) -> dict[str, int]:
    """How many of the listed messages are in each state, and in all."""
    listed = statement.order_by(None).subquery()
    counts = dict.fromkeys(NotificationState, 0) | dict(
        db.session.execute(
            sa.select(listed.c.state, sa.func.count()).group_by(listed.c.state)
        ).all()
    )
    return {**{str(state): count for state, count in counts.items()}, "total": sum(counts.values())}


def read_content(statement: sa.Select, notification_uuid: uuid.UUID) -> Notification:
    """One listed message with its address and text: a read of personal data, audited."""
    found = db.session.execute(
        statement.where(Notification.uuid == notification_uuid)
    ).scalar_one_or_none()
    if found is None:
        raise not_found(NO_SUCH_MESSAGE)
    record_event("read", found)
    return found
