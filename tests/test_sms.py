"""Text messages: the backend chosen by SMS_URL, the HTTP provider interface, its failures."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from datacapt.app import create_app
from datacapt.config import ConfigurationError, Settings
from datacapt.sms.backends import (
    ConsoleBackend,
    FileBackend,
    HttpBackend,
    SmsDeliveryError,
    backend_from_url,
)


def test_sms_urls_choose_the_backend(tmp_path):
    assert isinstance(backend_from_url("console://"), ConsoleBackend)
    file_backend = backend_from_url(f"file://{tmp_path}")
    assert isinstance(file_backend, FileBackend) and file_backend.directory == tmp_path
    http = backend_from_url("https://user:s%40cret@sms.example.org:8443/send?account=7")
    assert isinstance(http, HttpBackend)
    assert (http.url, http.token) == ("https://sms.example.org:8443/send?account=7", "s@cret")
    username_only = backend_from_url("https://tok3n@sms.example.org/send")
    assert (username_only.url, username_only.token) == ("https://sms.example.org/send", "tok3n")
    assert backend_from_url("http://sms.example.org/send").token is None


def test_an_unknown_scheme_is_refused_naming_the_accepted_ones():
    with pytest.raises(ValueError, match="'carrier-pigeon' is not console, file, http or https"):
        backend_from_url("carrier-pigeon://coop")


def test_the_file_backend_writes_one_json_file_per_message(tmp_path):
    directory = tmp_path / "sms" / "outbox"  # does not exist yet
    message_id = FileBackend(directory).send("+33612345678", "Votre code : 1234", "Datacapt")
    (written,) = directory.glob("*.json")
    assert written.name == f"{message_id}.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "id": message_id,
        "to": "+33612345678",
        "from": "Datacapt",
        "body": "Votre code : 1234",
    }


def test_the_console_backend_logs_the_message_and_returns_a_fresh_id(caplog):
    backend = ConsoleBackend()
    with caplog.at_level(logging.INFO, logger="datacapt.sms.backends"):
        first = backend.send("+33612345678", "Your visit is tomorrow", "Datacapt")
    second = backend.send("+33612345678", "Your visit is tomorrow", "Datacapt")
    assert len(first) == 32 and first != second
    assert "+33612345678" in caplog.text and "Your visit is tomorrow" in caplog.text


def test_the_http_backend_posts_json_with_a_bearer_token(sms_provider):
    url = sms_provider.url.replace("http://", "http://s3cret-token@")
    message_id = backend_from_url(url).send("+33612345678", "Votre code : 1234", "Datacapt")
    assert message_id == "msg-42"
    (request,) = sms_provider.requests
    assert request["path"] == "/v1/messages"
    assert "s3cret-token" not in request["path"]
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(request["body"]) == {
        "to": "+33612345678",
        "from": "Datacapt",
        "body": "Votre code : 1234",
    }


def test_the_http_backend_sends_no_authorization_without_a_token(sms_provider):
    assert HttpBackend(sms_provider.url).send("+33612345678", "hi", "Datacapt") == "msg-42"
    assert "Authorization" not in sms_provider.requests[0]["headers"]


def test_a_provider_error_is_a_delivery_error_with_the_status(sms_provider):
    sms_provider.status, sms_provider.answer = 500, b'{"error": "quota exceeded"}' + b"x" * 500
    with pytest.raises(SmsDeliveryError, match="provider answered 500") as raised:
        HttpBackend(sms_provider.url, "t").send("+33612345678", "hi", "Datacapt")
    assert "quota exceeded" in str(raised.value)
    assert "x" * 201 not in str(raised.value)  # the answer is cut short


def test_a_redirect_is_not_followed(sms_provider):
    sms_provider.status = 302
    with pytest.raises(SmsDeliveryError, match="provider answered 302"):
        HttpBackend(sms_provider.url, "t").send("+33612345678", "hi", "Datacapt")
    assert len(sms_provider.requests) == 1


@pytest.mark.parametrize(
    "answer", [b"OK", b"", b'{"status": "queued"}', b'["msg-42"]', b'{"id": ""}']
)
def test_a_success_without_a_json_id_is_a_delivery_error(sms_provider, answer):
    sms_provider.answer = answer
    with pytest.raises(SmsDeliveryError, match="without a JSON id"):
        HttpBackend(sms_provider.url, "t").send("+33612345678", "hi", "Datacapt")


def test_a_refused_connection_is_a_delivery_error():
    # A bound socket that does not listen: the connection is refused, and no other
    # process can take the port while the test runs.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with pytest.raises(SmsDeliveryError, match="unreachable"):
            HttpBackend(f"http://127.0.0.1:{port}/send", "t").send("+336", "hi", "Datacapt")


def test_a_provider_that_never_answers_is_a_delivery_error(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    # Listening but never accepting: the connection opens, the answer never comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        backend = HttpBackend(f"http://127.0.0.1:{port}/send", "t", timeout=0.2)
        with pytest.raises(SmsDeliveryError, match="timed out"):
            backend.send("+33612345678", "hi", "Datacapt")


def test_sms_settings_come_from_the_environment_and_reach_the_app_config():
    settings = Settings.from_env(
        {
            "SMS_URL": "https://token@sms.example.org/send",
            "SMS_FROM": "Acme Trial",
            # Never connected to: building the app does not open a database connection.
            "DATABASE_URL": "postgresql://db.invalid/datacapt",
            "DATACAPT_PLUGINS": "",
        }
    )
    settings.validate()
    app = create_app(settings)
    assert app.config["SMS_URL"] == "https://token@sms.example.org/send"
    assert app.config["SMS_FROM"] == "Acme Trial"
    defaults = Settings.from_env({})
    assert (defaults.sms_url, defaults.sms_from) == ("console://", "Datacapt")


def test_settings_refuse_an_unknown_sms_scheme():
    with pytest.raises(ConfigurationError, match="SMS_URL must start with console://"):
        Settings.from_env({"SMS_URL": "smtp://mail.example.org"}).validate()
