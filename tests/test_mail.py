"""Emails: rendered in the recipient's language, recorded, delivered by a job, failures kept."""

from __future__ import annotations

import email
import email.policy

import pytest
import sqlalchemy as sa

from datacapt.database import db, unit_of_work
from datacapt.mail.backends import ConsoleBackend, SmtpBackend, backend_from_url
from datacapt.mail.models import EmailMessage
from datacapt.mail.services import deliver_email, send_email
from datacapt.tenancy import tenant_context


def test_mail_urls_choose_the_backend(tmp_path):
    assert isinstance(backend_from_url("console://"), ConsoleBackend)
    assert backend_from_url(f"file://{tmp_path}").directory == tmp_path
    smtp = backend_from_url("smtp://user:p%40ss@mail.example.org:587?starttls=true")
    assert isinstance(smtp, SmtpBackend)
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.starttls) == (
        "mail.example.org",
        587,
        "user",
        "p@ss",
        True,
    )
    with pytest.raises(ValueError, match="scheme"):
        backend_from_url("carrier-pigeon://coop")


def test_the_file_backend_writes_one_message_per_email(app, tenant, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path}")
    with app.test_request_context(), tenant_context(tenant), unit_of_work():
        send_email(
            "reader@example.org",
            "password_reset",
            "fr",
            name="Lea",
            tenant="Acme",
            minutes=60,
            link="https://x/reset",
        )
    (written,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Réinitialisez votre mot de passe Datacapt"
    assert "Bonjour Lea" in message.get_content()


def test_a_delivery_failure_is_recorded_on_the_message(app, tenant, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", "smtp://127.0.0.1:1")  # nothing listens there
    with app.test_request_context(), tenant_context(tenant), unit_of_work():
        send_email(
            "reader@example.org",
            "invitation",
            "en",
            name="Lea",
            inviter="Max",
            tenant="Acme",
            study="",
            days=7,
            link="x",
        )
    with app.app_context(), tenant_context(tenant):
        message = db.session.execute(sa.select(EmailMessage)).scalar_one()
    assert message.status == "failed" and message.attempts == 1
    assert "ConnectionRefusedError" in message.error


def test_every_copy_of_an_email_carries_its_one_message_id(app, tenant, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path}")

    def take_copy() -> email.message.EmailMessage:
        (path,) = tmp_path.glob("*.eml")
        copy = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        path.unlink()
        return copy

    with app.test_request_context(), tenant_context(tenant), unit_of_work():
        send_email(
            "reader@example.org",
            "password_reset",
            "en",
            name="Lea",
            tenant="Acme",
            minutes=60,
            link="https://x/reset",
        )
    first = take_copy()
    with app.app_context(), tenant_context(tenant):
        with unit_of_work():
            recorded = db.session.execute(sa.select(EmailMessage)).scalar_one()
            # The server took the message, then the worker died before recording it: the
            # email is still queued and its job's next run sends it again.
            recorded.status = "queued"
        with unit_of_work():
            assert deliver_email(recorded.id) == "sent"
        email_uuid = recorded.uuid
    second = take_copy()
    assert first["Message-ID"] == second["Message-ID"] == f"<{email_uuid}@localhost>"
