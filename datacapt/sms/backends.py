"""Where text messages go: the console (development), files (tests), or an HTTP provider.

Chosen by SMS_URL: ``console://``, ``file:///absolute/dir`` or ``file://relative/dir``,
``https://token@sms.example.org/send`` (``http://`` too). The HTTP provider receives a POST
of ``{"to", "from", "body"}`` as JSON with ``Authorization: Bearer <token>`` (the token is
the URL's password, or its username when there is no password) and answers 2xx with a JSON
object carrying the message's ``"id"``.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

log = logging.getLogger(__name__)

# Enough of a provider's answer to diagnose a refusal without flooding logs and records.
ERROR_BODY_CHARS = 200


class SmsDeliveryError(Exception):
    """The provider refused the message, or could not be reached or understood.
    ``permanent``: it refused this message (another attempt would fail the same way)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsBackend(Protocol):
    def send(self, to: str, body: str, sender: str) -> str:
        """Send ``body`` to the phone number ``to``; return the provider's message id."""
        ...


class ConsoleBackend:
    def send(self, to: str, body: str, sender: str) -> str:
        message_id = uuid.uuid4().hex
        log.info("SMS %s to %s from %s:\n%s", message_id, to, sender, body)
        return message_id


class FileBackend:
    """One JSON file per message, named by its id."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, to: str, body: str, sender: str) -> str:
        message_id = uuid.uuid4().hex
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {"id": message_id, "to": to, "from": sender, "body": body}
        (self.directory / f"{message_id}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return message_id


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would resend a POST as a bodiless GET, possibly elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpBackend:
    """POSTs each message as JSON to an SMS provider's send endpoint."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 10) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to: str, body: str, sender: str) -> str:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"to": to, "from": sender, "body": body}).encode(),
            headers=headers,
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:  # a non-2xx answer
            raise SmsDeliveryError(
                f"provider answered {error.code}: {_excerpt(error.read())}",
                # A 4xx refuses the message itself, except a timeout or a rate limit.
                permanent=400 <= error.code < 500 and error.code not in (408, 429),
            ) from error
        except urllib.error.URLError as error:  # DNS, refused connection, TLS, connect timeout
            raise SmsDeliveryError(f"provider unreachable: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:  # read timeout, dropped connection
            raise SmsDeliveryError(f"provider failed: {error!r}") from error
        return _message_id(status, answer)


def _excerpt(answer: bytes) -> str:
    return answer.decode("utf-8", errors="replace")[:ERROR_BODY_CHARS]


def _message_id(status: int, answer: bytes) -> str:
    """The id in a provider's answer; without one the message cannot be traced."""
    try:
        payload = json.loads(answer)
    except ValueError:
        payload = None
    message_id = payload.get("id") if isinstance(payload, dict) else None
    # bool is an int; an id of true/false is a malformed answer, not an id.
    if isinstance(message_id, bool) or not isinstance(message_id, str | int) or message_id == "":
        raise SmsDeliveryError(f"provider answered {status} without a JSON id: {_excerpt(answer)}")
    return str(message_id)


def backend_from_url(url: str) -> SmsBackend:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ConsoleBackend()
    if parts.scheme == "file":
        return FileBackend(Path(unquote(parts.netloc + parts.path)))
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError("SMS_URL names no host")
        secret = parts.password or parts.username
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        netloc = f"{host}:{parts.port}" if parts.port else host
        # The token travels in the Authorization header only, never in the requested URL.
        endpoint = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        return HttpBackend(endpoint, unquote(secret) if secret else None)
    raise ValueError(f"SMS_URL scheme {parts.scheme!r} is not console, file, http or https")
