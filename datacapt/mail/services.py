"""Sending an email: render it in the recipient's language, record it, deliver it by a job.

Delivery is at least once, never exactly once: a worker killed after the mail server took
a message but before its outcome was committed leaves it queued, and the job's next run
sends it again. Each run sends one message, and every copy of a recorded email carries the
same Message-ID, so a receiver can drop the duplicates.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid, parseaddr
from typing import Any

from flask import current_app

from datacapt.database import db, utcnow
from datacapt.i18n import Message, language_context
from datacapt.jobs import commit_job_step, enqueue
from datacapt.mail.backends import backend_from_url
from datacapt.mail.models import EmailMessage, EmailStatus
from datacapt.mail.templates import TEMPLATES
from datacapt.tenancy.context import current_tenant


def send_email(to: str, template: str, language: str, **context: Any) -> EmailMessage:
    """Record the message and its delivery job in the current transaction: they commit
    with the change that causes them (or not at all).

    Delivery runs as a job in the current tenant once committed; its outcome (sent, or
    failed with the reason) lands on the record.
    """
    subject, body = TEMPLATES[template]
    with language_context(language):
        message = EmailMessage(
            to_address=to,
            template=template,
            language=language,
            subject=Message(subject, **context).render(),
            body=Message(body, **context).render(),
            status=EmailStatus.QUEUED,
        )
    db.session.add(message)
    db.session.flush()
    enqueue(deliver_email, message.id, tenant=current_tenant())
    return message


def _sender_domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "datacapt"


def message_id_of(message: EmailMessage) -> str:
    """The Message-ID of a recorded email: the same for every copy sent of it."""
    return f"<{message.uuid}@{_sender_domain()}>"


def send_now(to: str, subject: str, body: str, message_id: str | None = None) -> None:
    """Hand one email to the configured backend (raises what the backend raises).

    ``message_id`` names the email across re-sends (default: a new one).
    """
    mime = MimeMessage()
    mime["From"] = current_app.config["MAIL_FROM"]
    mime["To"] = to
    mime["Subject"] = subject
    mime["Message-ID"] = message_id or make_msgid(
        idstring=uuid.uuid4().hex, domain=_sender_domain()
    )
    mime.set_content(body)
    backend_from_url(current_app.config["MAIL_URL"]).send(mime)


def deliver_email(message_id: int) -> str:
    """Job: hand one recorded email to the configured backend and record the outcome.

    The email is locked while it is handed over: a second run at the same time waits,
    then finds it sent. Its sending commits with the job's success.
    """
    message = db.session.get(EmailMessage, message_id, with_for_update=True)
    if message is None or message.status == EmailStatus.SENT:
        return "nothing to do"
    message.attempts += 1
    try:
        send_now(message.to_address, message.subject, message.body, message_id_of(message))
    except Exception as exc:
        message.status, message.error = EmailStatus.FAILED, f"{type(exc).__name__}: {exc}"
        commit_job_step()  # the failure is recorded although the job raises (and retries)
        raise
    message.status, message.sent_at, message.error = EmailStatus.SENT, utcnow(), None
    return message.status
