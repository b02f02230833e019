"""Message templates: a third-party plugin declares its own (per language, English as the
fallback, secrets filled in at delivery) without touching the core; bad declarations stop
the start; a disabled plugin's messages are not sent; its SMS go through the provider,
which reports bounces to the core."""

from __future__ import annotations

import datetime as dt
import email
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from datacapt.app import create_app
from datacapt.database import db, unit_of_work
from datacapt.notifications import (
    Channel,
    MessageTemplate,
    MessageText,
    Notification,
    Recipient,
    RecipientKind,
    notify,
)
from datacapt.plugins.loader import PluginError
from datacapt.plugins.services import enable_plugin
from datacapt.tenancy import tenant_context
from datacapt.testing.client import TenantClient
from datacapt.testing.pytest_plugin import settings_for_tests, tenant_host
from tests.greeter_plugin import PING, WELCOME, Greeter, welcome_code


@pytest.fixture(scope="module")
def greeter_app(_test_database: str) -> Flask:
    built = create_app(settings_for_tests(database_url=_test_database), extra_plugins=[Greeter()])
    built.test_client_class = TenantClient
    return built


@pytest.fixture
def greeted(greeter_app, tenant, tmp_path, monkeypatch):
    """The tenant with the greeter plugin enabled, its messages going to files."""
    monkeypatch.setitem(greeter_app.config, "MAIL_URL", f"file://{tmp_path / 'mail'}")
    monkeypatch.setitem(greeter_app.config, "SMS_URL", f"file://{tmp_path / 'sms'}")
    with greeter_app.app_context():
        enable_plugin(tenant.schema_name, "greeter", "test")
    return tmp_path


def send(app: Flask, tenant, template: str, channel: Channel, language: str, **params) -> uuid.UUID:
    address = "reader@example.org" if channel == Channel.EMAIL else "+33 6 00 00 00 09"
    with app.app_context(), tenant_context(tenant), unit_of_work():
        recipient = Recipient(RecipientKind.USER, uuid.uuid4(), address, language)
        return notify(template, channel, recipient, {"name": "Ada", **params}).uuid


def stored(app: Flask, tenant, notification_uuid: uuid.UUID) -> Notification:
    with app.app_context(), tenant_context(tenant):
        found = db.session.execute(
            sa.select(Notification).where(Notification.uuid == notification_uuid)
        ).scalar_one()
        db.session.expunge(found)
        return found


def written(directory: Path, suffix: str) -> list[Path]:
    return sorted(directory.glob(f"*.{suffix}"), key=lambda path: path.stat().st_mtime_ns)


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "used"),
    [
        ("fr", "Bienvenue, Ada", "Bonjour Ada, votre code : ", "fr"),
        ("de-AT", "Welcome, Ada", "Hello Ada, your code: ", "en"),  # English as fallback
    ],
)
def test_a_plugin_s_template_speaks_each_of_its_languages_and_english_for_the_others(
    greeter_app, tenant, greeted, language, subject, greeting, used
):
    sent = send(greeter_app, tenant, WELCOME, Channel.EMAIL, language, seed="s-1")
    (path,) = written(greeted / "mail", "eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    with greeter_app.app_context():
        code = welcome_code("s-1")
    assert message["Subject"] == subject
    assert message.get_content().strip() == greeting + code
    record = stored(greeter_app, tenant, sent)
    assert record.language == used and record.state == "sent"
    # The tenant's branding is recorded with the parameters: the text goes as it was made.
    assert record.body == greeting + "[redacted]" and record.context == {
        "name": "Ada",
        "seed": "s-1",
        "brand_name": tenant.name,
        "logo_url": "",
    }


def test_a_template_without_secrets_is_sent_as_recorded(greeter_app, tenant, greeted):
    sent = send(greeter_app, tenant, PING, Channel.SMS, "fr")
    (path,) = written(greeted / "sms", "json")
    assert json.loads(path.read_text())["body"] == "Ping for Ada"
    record = stored(greeter_app, tenant, sent)
    assert (record.state, record.subject, record.body, record.context) == (
        "sent",
        "",
        "Ping for Ada",
        None,
    )


def test_a_disabled_plugin_s_messages_are_not_sent(greeter_app, tenant, tmp_path, monkeypatch):
    monkeypatch.setitem(greeter_app.config, "MAIL_URL", f"file://{tmp_path}")
    record = stored(
        greeter_app, tenant, send(greeter_app, tenant, WELCOME, Channel.EMAIL, "en", seed="x")
    )
    assert record.state == "failed" and record.reason == "The module 'greeter' is not enabled."
    assert written(tmp_path, "eml") == []


def template(**changes) -> MessageTemplate:
    declared = {
        "key": "bad.note",
        "channel": Channel.EMAIL,
        "texts": {"en": MessageText("Hi {name}", subject="Note")},
    }
    return MessageTemplate(**{**declared, **changes})


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        ([template(key="note")], "its key does not start with the plugin's name (bad.)"),
        ([template(key="bad.Note")], "its key is not lowercase words joined by dots"),
        ([template(texts={"fr": MessageText("Salut", subject="Mot")})], "no English text"),
        (
            [
                template(
                    texts={"en": MessageText("Hi {name}", "N"), "fr": MessageText("Salut", "M")}
                )
            ],
            "its fr text has fields [], English ['name']",
        ),
        ([template(texts={"en": MessageText("Hi {0}", subject="Note")})], "is not a plain name"),
        (
            [
                template(
                    texts={
                        "en": MessageText("Hi", subject="Note"),
                        "french": MessageText("Salut", "M"),
                    }
                )
            ],
            "'french' is not a language code",
        ),
        ([template(texts={"en": MessageText("Hi")})], "its en email has no subject"),
        ([template(channel=Channel.SMS)], "its en SMS has a subject"),
        ([template(secret_params=frozenset({"name"}))], "go together"),
        (
            [template(secret_params=frozenset({"link"}), secrets=dict)],
            "['link'] are not in its text",
        ),
        ([template(), template()], "'bad' already declares it"),
    ],
)
def test_a_bad_template_stops_the_start_saying_why(_test_database, declared, problem):
    with pytest.raises(PluginError, match="message template") as refused:
        create_app(
            settings_for_tests(database_url=_test_database),
            extra_plugins=[Greeter("bad", declared)],
        )
    assert problem in str(refused.value)


def test_a_plugin_cannot_declare_a_core_template(_test_database):
    core = template(key="password_reset")
    with pytest.raises(PluginError, match="does not start with the plugin's name"):
        create_app(
            settings_for_tests(database_url=_test_database), extra_plugins=[Greeter("bad", [core])]
        )


@pytest.fixture
def provider(greeter_app, greeted, monkeypatch, sms_provider):
    monkeypatch.setitem(greeter_app.config, "SMS_URL", sms_provider.url_with_secret("s3cret"))
    return sms_provider


def test_a_message_the_provider_refuses_fails_at_once_without_its_address(
    greeter_app, tenant, provider
):
    provider.status, provider.answer = 400, b'{"error": "+33 6 00 00 00 09 is no mobile"}'
    record = stored(greeter_app, tenant, send(greeter_app, tenant, PING, Channel.SMS, "en"))
    assert (record.state, record.attempts) == ("failed", 1)
    assert record.reason == (
        'SmsDeliveryError: provider answered 400: {"error": "[address] is no mobile"}'
    )


def test_the_provider_reports_bounces_to_the_core_signed_with_its_secret(
    app, greeter_app, tenant, provider
):
    provider.answer = b'{"id": "sms-7"}'
    sent = send(greeter_app, tenant, PING, Channel.SMS, "en")
    assert stored(greeter_app, tenant, sent).provider_id == "sms-7"
    client = greeter_app.test_client().for_host(tenant_host(app, tenant))
    url = "/api/notifications/delivery-reports"
    report = {"id": "sms-7", "status": "bounced", "error": "number +33 6 00 00 00 09 unknown"}
    for authorization in (None, "Bearer wrong"):
        headers = {"Authorization": authorization} if authorization else {}
        assert client.post(url, json=report, headers=headers).status_code == 401
    signed = {"Authorization": "Bearer s3cret"}
    assert client.post(url, json={**report, "id": "sms-0"}, headers=signed).status_code == 404
    assert client.post(url, json={**report, "status": "lost"}, headers=signed).status_code == 422
    delivered = client.post(url, json={**report, "status": "delivered"}, headers=signed)
    assert delivered.status_code == 200 and delivered.json["state"] == "sent"
    taken = client.post(url, json=report, headers=signed)
    assert taken.status_code == 200 and taken.json["state"] == "bounced"
    record = stored(greeter_app, tenant, sent)
    assert (record.state, record.reason) == ("bounced", "number [address] unknown")
    assert record.bounced_at is not None and record.bounced_at <= dt.datetime.now(dt.UTC)
