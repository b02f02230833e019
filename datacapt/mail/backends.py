"""Where emails go: the console (development), files (tests), or an SMTP server.

Chosen by MAIL_URL: ``console://``, ``file:///absolute/dir`` or ``file://relative/dir``,
``smtp://user:password@host:587?starttls=true`` (``smtps://`` for implicit TLS).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)


class MailBackend(Protocol):
    def send(self, message: MimeMessage) -> None: ...


class ConsoleBackend:
    def send(self, message: MimeMessage) -> None:
        log.info("Email to %s: %s\n%s", message["To"], message["Subject"], message.get_content())


class FileBackend:
    """One .eml file per message, named by its Message-ID."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: MimeMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


class SmtpBackend:
    def __init__(
        self,
        host: str,
        port: int,
        user: str | None,
        password: str | None,
        starttls: bool,
        implicit_tls: bool,
        timeout: float = 20,
    ) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.implicit_tls, self.timeout = starttls, implicit_tls, timeout

    def send(self, message: MimeMessage) -> None:
        client_class = smtplib.SMTP_SSL if self.implicit_tls else smtplib.SMTP
        with client_class(self.host, self.port, timeout=self.timeout) as client:
            if self.starttls:
                client.starttls()
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message)


def backend_from_url(url: str) -> MailBackend:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ConsoleBackend()
    if parts.scheme == "file":
        return FileBackend(Path(unquote(parts.netloc + parts.path)))
    if parts.scheme in ("smtp", "smtps"):
        options = parse_qs(parts.query)
        return SmtpBackend(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=options.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
            implicit_tls=parts.scheme == "smtps",
        )
    raise ValueError(f"MAIL_URL scheme {parts.scheme!r} is not console, file, smtp or smtps")
