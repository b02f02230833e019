"""Handing one email to the backend chosen by MAIL_URL (the notification service records
and delivers the platform's emails: datacapt.notifications)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage as MimeMessage
from email.utils import parseaddr

from flask import current_app

from datacapt.mail.backends import backend_from_url


def _sender_domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "datacapt"


def message_id_for(message_uuid: uuid.UUID) -> str:
    """The Message-ID of a recorded message: the same for every copy sent of it."""
    return f"<{message_uuid}@{_sender_domain()}>"


def send_now(to: str, subject: str, body: str, message_id: str, sender: str | None = None) -> None:
    """Hand one email to the configured backend (raises what the backend raises);
    ``message_id`` names the email across re-sends; ``sender`` (a From header) replaces
    MAIL_FROM."""
    mime = MimeMessage()
    mime["From"] = sender or current_app.config["MAIL_FROM"]
    mime["To"] = to
    mime["Subject"] = subject
    mime["Message-ID"] = message_id
    mime.set_content(body)
    backend_from_url(current_app.config["MAIL_URL"]).send(mime)
