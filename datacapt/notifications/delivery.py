"""Delivering recorded messages: a job per batch, enqueued through the outbox as the
transaction that recorded them commits; the sweep for what is due later or stuck.

A job attempts its messages in steps of ``STEP``: one statement locks a step's messages,
each is checked due (its time has come and it is outside its quiet hours), rendered (with
its secrets) and handed to the backend of its channel, and the step's outcomes are
written by one UPDATE (in a SAVEPOINT) and commit together before the next step: a job
costs a few statements per step, none per message. When the database refuses that
UPDATE (an outcome the table refuses), each message's outcome is written apart, each in
a SAVEPOINT of its own: the refused one alone is undone, and counts as a failed attempt
of it. A failed attempt is retried
after ``RETRY_AFTER``, up to ``MAX_ATTEMPTS``, unless the failure is final (a recipient
refused); then the message is failed with the reason.

The sweep (``sweep``, every minute through ``datacapt.notifications.jobs``) is the one way
anything is sent later: messages whose quiet hours ended or whose next attempt came, and
messages whose delivery job was enqueued ``STALE_AFTER`` ago and never ran (lost, or
failed for good before recording anything). Each is enqueued again once: a sweep marks
what it enqueues, and a second delivery of one message finds it sent and leaves it.

Delivery is at least once, never exactly once: a worker killed after the server took a
message but before its step's outcomes committed leaves the step queued, and it goes
again: at most ``STEP`` messages per killed job are sent twice. A message whose outcome
the database refused after its server took it goes again with its next attempts: at most
``MAX_ATTEMPTS`` copies. Every copy
of an email carries the same Message-ID (``<uuid@the domain of MAIL_FROM>``), so receivers
can drop duplicates.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from datacapt.database import db, utcnow
from datacapt.database.deferred import drop_rolled_back, keep, take_committed
from datacapt.database.rows import encode_rows, rows_parameter
from datacapt.database.session import ScopedSchemaSession
from datacapt.jobs import commit_job_step, enqueue
from datacapt.mail.services import message_id_for, send_now
from datacapt.notifications.models import Channel, Notification, NotificationState
from datacapt.notifications.quiet import QuietHours
from datacapt.notifications.templates import MessageTemplate, UnknownTemplate, template_registry
from datacapt.sms.backends import SmsDeliveryError
from datacapt.sms.backends import backend_from_url as sms_backend
from datacapt.tenancy.branding import Branding, tenant_branding
from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.services import get_tenant_settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Before the second and the third attempt.
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5))
# A delivery job is retried for about 6 minutes (datacapt.jobs.options): a message still
# queued this long after its job was enqueued needs another.
STALE_AFTER = dt.timedelta(minutes=15)
BATCH = 100  # messages per delivery job
# Messages whose outcomes commit together: what a crash can send twice, against a commit
# (a disk flush) per message.
STEP = 10
SWEEP_LIMIT = 1000  # messages a sweep enqueues; more wait for the next minute's
_PENDING = "datacapt_notifications_pending"


def tenant_zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def scrubbed(reason: str, address: str | None) -> str:
    """A failure's reason without the recipient's address in it (servers quote it): the
    reports show reasons to more people than may read addresses."""
    return reason.replace(address, "[address]") if address else reason


def _enqueue(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        enqueue(deliver_notifications, ids[start : start + BATCH], tenant=current_tenant())


def dispatch_on_commit(notifications: Iterable[Notification]) -> None:
    """Deliver these messages by jobs enqueued as the transaction commits: the messages of
    one transaction share their jobs."""
    now = utcnow()
    notifications = list(notifications)
    for notification in notifications:
        notification.dispatched_at = now
    keep(db.session(), _PENDING, *notifications)


def dispatch_ids_on_commit(notification_ids: Iterable[int]) -> None:
    """``dispatch_on_commit`` for messages written without the ORM, by their ids (their
    ``dispatched_at`` written with them)."""
    keep(db.session(), _PENDING, *notification_ids)


@event.listens_for(ScopedSchemaSession, "before_commit")
def _enqueue_pending(session: ScopedSchemaSession) -> None:
    pending = take_committed(session, _PENDING)
    if pending:
        session.flush()  # their ids
        _enqueue([item if isinstance(item, int) else item.id for item in pending])


@event.listens_for(ScopedSchemaSession, "after_rollback")
def _forget_pending(session: ScopedSchemaSession) -> None:
    drop_rolled_back(session, _PENDING)


def permanent_failure(exc: BaseException) -> bool:
    """Whether another attempt cannot help: the recipient or the message was refused
    (SMTP 5xx, an SMS provider's 4xx other than 408 and 429)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, SmsDeliveryError) and exc.permanent


def delivered_text(
    notification: Notification,
    template: MessageTemplate,
    branding: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """The subject and body the recipient gets: as recorded, or rendered again with the
    template's secrets (``branding``: the tenant's message parameters, read when not given)."""
    if notification.context is None:
        return notification.subject, notification.body
    # A message recorded before templates could name the branding has none in its context.
    if branding is None:
        branding = tenant_branding().message_params()
    params = {**branding, **notification.context}
    params.update(template.secrets(params) if template.secrets else {})
    return template.render(notification.language, params)


def _send(notification: Notification, subject: str, body: str, branding: Branding) -> str | None:
    """Hand the message to its channel's backend, from the tenant's sender; the
    provider's id of an SMS."""
    address = notification.address or ""
    if notification.channel == Channel.EMAIL:
        send_now(address, subject, body, message_id_for(notification.uuid), branding.email_sender)
        return None
    return sms_backend(current_app.config["SMS_URL"]).send(address, body, branding.sms_sender)


def _fail(notification: Notification, reason: str, now: dt.datetime) -> None:
    notification.state, notification.failed_at = NotificationState.FAILED, now
    notification.reason = scrubbed(reason, notification.address)


def _wait_until(notification: Notification, moment: dt.datetime) -> None:
    """Leave it queued for the sweep to send at ``moment``."""
    notification.not_before, notification.dispatched_at = moment, None


@dataclass
class _Batch:
    """What the messages of one delivery job share, read once: the tenant's zone, its
    senders and whether each template's owner is enabled."""

    zone: ZoneInfo
    branding: Branding
    enabled: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def params(self) -> dict[str, Any]:
        """The branding's message parameters (not read again after each step's commit)."""
        return self.branding.message_params()

    def owner_enabled(self, owner: str) -> bool:
        if owner not in self.enabled:
            self.enabled[owner] = template_registry().owner_enabled(owner)
        return self.enabled[owner]


def _attempt(notification: Notification, now: dt.datetime, batch: _Batch) -> bool:
    """One delivery attempt, its outcome recorded on the message; True when it went."""
    if notification.not_before is not None and notification.not_before > now:
        _wait_until(notification, notification.not_before)  # a job sent again, early
        return False
    if notification.quiet_start is not None and notification.quiet_end is not None:
        allowed = QuietHours(notification.quiet_start, notification.quiet_end).next_allowed(
            now, batch.zone
        )
        if allowed > now:
            _wait_until(notification, allowed)
            return False
    try:
        template = template_registry().get(notification.template, notification.channel)
    except UnknownTemplate as exc:
        _fail(notification, str(exc), now)
        return False
    if not batch.owner_enabled(template.owner):
        _fail(notification, f"The module {template.owner!r} is not enabled.", now)
        return False
    notification.attempts += 1
    notification.last_attempt_at = now
    try:
        subject, body = delivered_text(notification, template, batch.params)
        notification.provider_id = _send(notification, subject, body, batch.branding)
    except Exception as exc:  # any failure is the message's outcome
        _failed_attempt(notification, f"{type(exc).__name__}: {exc}", now, permanent_failure(exc))
        return False
    notification.state, notification.sent_at = NotificationState.SENT, now
    notification.reason = None
    return True


def _failed_attempt(notification: Notification, reason: str, now: dt.datetime, final: bool) -> None:
    """An attempt that did not go: tried again later, or failed when ``final`` or the
    attempts are spent."""
    if final or notification.attempts >= MAX_ATTEMPTS:
        _fail(notification, reason, now)
    else:
        notification.reason = scrubbed(reason, notification.address)
        _wait_until(notification, now + RETRY_AFTER[notification.attempts - 1])


# What an attempt changes on its message: a step's outcomes are written by one statement.
_OUTCOME = (
    "state",
    "attempts",
    "last_attempt_at",
    "sent_at",
    "failed_at",
    "reason",
    "provider_id",
    "not_before",
    "dispatched_at",
)


def _outcome(notification: Notification) -> dict[str, Any]:
    """The message's outcome, its row's id with it."""
    return {name: getattr(notification, name) for name in ("id", *_OUTCOME)}


def _outcome_columns() -> tuple[sa.Column[Any], ...]:
    table = Notification.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    return tuple(table.c[name] for name in ("id", *_OUTCOME))


@cache
def _outcomes_update() -> sa.Update:
    """The UPDATE of messages' outcomes from the rows of the parameter ``outcomes``: made
    once, so that a step does not build it again."""
    table = Notification.__table__
    assert isinstance(table, sa.Table)
    rows = rows_parameter(_outcome_columns(), "outcomes").subquery("outcomes")
    # A statement of the table, not of the ORM: the caller expires its messages.
    return (
        sa.update(table)
        .where(table.c.id == rows.c.id)
        .values({name: rows.c[name] for name in _OUTCOME})
    )


def _record(outcomes: list[dict[str, Any]]) -> None:
    """Write these outcomes to their messages in one UPDATE, in a SAVEPOINT: a database
    failure undoes this statement only (and raises), never the step's lock."""
    encoded = encode_rows(_outcome_columns(), outcomes)
    with db.session.begin_nested():
        db.session.execute(_outcomes_update(), {"outcomes": encoded})


def _record_apart(outcome: dict[str, Any]) -> bool:
    """A step whose outcomes the database refused as a whole: this message's alone; when
    refused too, its attempt counts as failed (written apart again), so a message whose
    outcome cannot be written goes ``MAX_ATTEMPTS`` times at most; were even that
    refused, it stays as it was for the sweep. Whether its outcome was written."""
    notification_id = outcome["id"]
    try:
        _record([outcome])
        return True
    except sa.exc.SQLAlchemyError as exc:
        # Its server may have taken it: retrying may send it again (bounded, above).
        log.exception("The outcome of notification %s could not be recorded", notification_id)
        reason = f"The outcome of an attempt could not be recorded ({type(exc).__name__})."
    try:
        notification = db.session.get_one(Notification, notification_id)  # as stored
        now = utcnow()
        notification.attempts += 1
        notification.last_attempt_at = now
        _failed_attempt(notification, reason, now, final=False)
        failed = _outcome(notification)
        db.session.expire(notification)
        _record([failed])
    except sa.exc.SQLAlchemyError:
        log.exception(
            "Notification %s stays queued: nothing of it could be recorded", notification_id
        )
    return False


def _deliver_step(notifications: list[Notification], batch: _Batch) -> int:
    """Attempt each message at its own time (a step's sends may wait on a slow provider),
    then write the step's outcomes together; returns how many went."""
    outcomes, went = [], []
    for notification in notifications:
        went.append(_attempt(notification, utcnow(), batch))
        outcomes.append(_outcome(notification))
        # Written below, by one statement, not by a flush per message.
        db.session.expire(notification)
    try:
        _record(outcomes)
    except sa.exc.SQLAlchemyError:
        # One outcome the table refuses (an SMS provider's id its column cannot hold)
        # must not undo the others: each goes apart.
        went = [
            _record_apart(outcome) and sent for outcome, sent in zip(outcomes, went, strict=True)
        ]
    return sum(went)


def deliver_notifications(notification_ids: list[int]) -> int:
    """Job: attempt each queued message, step by step, each step committed with its
    outcomes so that a rerun attempts only what is still queued. Returns how many went."""
    sent, batch = 0, _Batch(tenant_zone(), tenant_branding())
    for start in range(0, len(notification_ids), STEP):
        # Locked together: a message another run holds, or no longer queued, is left.
        notifications = (
            db.session.execute(
                sa.select(Notification)
                .where(
                    Notification.id.in_(notification_ids[start : start + STEP]),
                    Notification.state == NotificationState.QUEUED,
                )
                .order_by(Notification.id)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        if notifications:
            sent += _deliver_step(list(notifications), batch)
        commit_job_step()  # this step's outcomes hold whatever becomes of the next
    return sent


def due(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Queued messages the sweep sends now: their time came and no job of theirs is
    pending (none enqueued, or one enqueued ``STALE_AFTER`` ago that never delivered)."""
    return sa.and_(
        Notification.state == NotificationState.QUEUED,
        sa.or_(Notification.not_before.is_(None), Notification.not_before <= now),
        sa.or_(
            Notification.dispatched_at.is_(None),
            Notification.dispatched_at <= now - STALE_AFTER,
        ),
    )


def sweep() -> int:
    """Job, in one tenant: enqueue delivery for every message due now; returns how many.
    What another sweep holds is skipped, so two sweeps never enqueue one message twice."""
    now = utcnow()
    notifications = list(
        db.session.execute(
            sa.select(Notification)
            .where(due(now))
            .order_by(Notification.id)
            .limit(SWEEP_LIMIT)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    stale = [n.id for n in notifications if n.dispatched_at is not None]
    if stale:
        log.warning("Delivering again %d message(s) whose job never delivered", len(stale))
    dispatch_on_commit(notifications)
    return len(notifications)
