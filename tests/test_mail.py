"""Email backends, chosen by MAIL_URL (sending itself: tests/test_notifications.py)."""

from __future__ import annotations

import pytest

from datacapt.mail.backends import ConsoleBackend, SmtpBackend, backend_from_url


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
