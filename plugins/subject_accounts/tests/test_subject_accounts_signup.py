"""Sign-up from a registration link, email verification, login under the staff rules,
passwordless links, logout and the session policy."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import sqlalchemy as sa
import time_machine

from datacapt.testing import tenant_client, tenant_host
from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.subject_accounts.models import SubjectAccount
from plugins.subject_accounts.tests.conftest import PASSWORD, PREFIX, Panel


def _accounts(panel: Panel) -> list[tuple[str, str, bool]]:
    with panel.app.app_context(), tenant_context(panel.tenant):
        rows = db.session.execute(
            sa.select(SubjectAccount.email, SubjectAccount.status, SubjectAccount.password_hash)
        ).all()
        return [(email, status, password_hash is not None) for email, status, password_hash in rows]


def _code(response: Any) -> str:
    return response.json["error"]["internal_name"]


def test_registration_verification_login_and_logout(panel: Panel):
    qr: Any = panel.manager.get(f"{PREFIX}/registration-links/{panel.link['uuid']}/qr-code")
    assert qr.status_code == 200 and qr.json["svg"].startswith("<svg")
    assert qr.json["url"] == panel.link["url"] and len(panel.link_token) > 30

    # Refusals write nothing: a weak password, a link that opens nothing, bad input.
    weak = panel.register("ann@example.org", "ann moreau 2024")
    assert weak.status_code == 422 and _code(weak) == "PASSWORD_POLICY"
    assert "password" in weak.json["error"]["fields"]
    forged = panel.register("ann@example.org", token="x" * 43)
    assert forged.status_code == 401 and _code(forged) == "REGISTRATION_LINK_INVALID"
    assert panel.register("not-an-email").status_code == 422
    for bad in (
        {"birth_date": "1850-01-01"},
        {"first_name": "x" * 101},
        {"language": "xx"},
        {"phone": 12},
        {"consents": ["spam"]},
        {"token": None},
    ):
        assert panel.register("ann@example.org", **bad).status_code == 422, bad
    assert _accounts(panel) == [] and panel.emails("ann@example.org") == []

    assert panel.register("ann@example.org").status_code == 202
    assert _accounts(panel) == [("ann@example.org", "pending", False)]
    browser = panel.browser()
    pending = browser.post(
        f"{PREFIX}/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert pending.status_code == 401 and _code(pending) == "INVALID_CREDENTIALS"

    token = panel.last_token("ann@example.org")
    # Whoever opens the link gives the password chosen at sign-up: someone who signed up
    # with another's email cannot have the owner open the account with theirs.
    for wrong in ({"token": token}, {"token": token, "password": "not the one"}):
        refused = browser.post(f"{PREFIX}/verify-email", json=wrong)
        assert refused.status_code == 422 and _code(refused) == "VERIFICATION_PASSWORD_WRONG"
    verified: Any = browser.post(
        f"{PREFIX}/verify-email", json={"token": token, "password": PASSWORD}
    )
    assert verified.status_code == 200
    assert (
        verified.json["account"]["status"] == "active" and verified.json["account"]["has_password"]
    )
    again = browser.post(f"{PREFIX}/verify-email", json={"token": token, "password": PASSWORD})
    assert again.status_code == 422 and _code(again) == "VERIFICATION_LINK_INVALID"

    login: Any = browser.post(
        f"{PREFIX}/login", json={"email": "ANN@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200 and login.json["token"] != verified.json["token"]
    browser.token = login.json["token"]
    me: Any = browser.get(f"{PREFIX}/me")
    assert me.status_code == 200 and me.json["email"] == "ann@example.org"

    # Signing up again with a known email makes nothing, and answers the same: the owner
    # gets a login link instead.
    assert panel.register("ann@example.org", last_name="Other").status_code == 202
    assert len(_accounts(panel)) == 1
    assert "Pour vous connecter" in panel.emails("ann@example.org")[-1]  # in her language

    assert browser.post(f"{PREFIX}/logout").status_code == 204
    ended = browser.get(f"{PREFIX}/me")
    assert ended.status_code == 401 and _code(ended) == "SUBJECT_SESSION_INVALID"

    with panel.app.app_context(), tenant_context(panel.tenant):
        audited = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.actor_type, AuditRecord.changes)
            .where(AuditRecord.object_type == "subject_accounts")
            .order_by(AuditRecord.sequence)
        ).all()
    assert audited[0].action == "create" and audited[0].changes["status"] == [None, "pending"]
    verification = next(r for r in audited if "status" in r.changes and r.action == "update")
    assert verification.changes["status"] == ["pending", "active"]
    assert verification.actor_type == "subject"  # the volunteer did it
    hashes = [r.changes["password_hash"] for r in audited if "password_hash" in r.changes]
    assert hashes and all(set(values) <= {"[redacted]", None} for values in hashes)

    # A closed link opens nothing any more.
    closed = panel.manager.patch(
        f"{PREFIX}/registration-links/{panel.link['uuid']}", json={"active": False}
    )
    assert closed.status_code == 200
    assert _code(panel.register("bob@example.org")) == "REGISTRATION_LINK_INVALID"


def test_passwordless_links_are_single_use_and_short_lived(panel: Panel):
    assert panel.register("cam@example.org", password=None).status_code == 202
    browser = panel.browser()
    verified: Any = browser.post(
        f"{PREFIX}/verify-email", json={"token": panel.last_token("cam@example.org")}
    )
    assert verified.status_code == 200 and not verified.json["account"]["has_password"]
    no_password = browser.post(f"{PREFIX}/login", json={"email": "cam@example.org", "password": ""})
    assert no_password.status_code == 401

    # Unknown addresses get the same answer and nothing is sent.
    assert (
        browser.post(f"{PREFIX}/login-link", json={"email": "nobody@example.org"}).status_code
        == 202
    )
    assert panel.emails("nobody@example.org") == []
    assert (
        browser.post(f"{PREFIX}/login-link", json={"email": "cam@example.org"}).status_code == 202
    )
    token = panel.last_token("cam@example.org")
    opened: Any = browser.post(f"{PREFIX}/login-link/confirm", json={"token": token})
    assert opened.status_code == 200 and opened.json["account"]["email"] == "cam@example.org"
    reused = browser.post(f"{PREFIX}/login-link/confirm", json={"token": token})
    assert reused.status_code == 422 and _code(reused) == "LOGIN_LINK_INVALID"

    browser.post(f"{PREFIX}/login-link", json={"email": "cam@example.org"})
    late = panel.last_token("cam@example.org")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        expired = browser.post(f"{PREFIX}/login-link/confirm", json={"token": late})
    assert expired.status_code == 422 and _code(expired) == "LOGIN_LINK_INVALID"

    # A password set later follows the staff policy.
    browser.token = opened.json["token"]
    weak = browser.post(f"{PREFIX}/me/password", json={"new_password": "cam12345"})
    assert weak.status_code == 422 and _code(weak) == "PASSWORD_POLICY"
    assert browser.post(f"{PREFIX}/me/password", json={"new_password": PASSWORD}).status_code == 204
    assert browser.get(f"{PREFIX}/me").status_code == 401  # every session ended
    assert (
        browser.post(
            f"{PREFIX}/login", json={"email": "cam@example.org", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_lockout_session_policy_and_rate_limits(panel: Panel, app_with_plugins):
    client = panel.volunteer("dan@example.org")
    browser = panel.browser()
    wrong = {"email": "dan@example.org", "password": "not the password at all"}
    for _ in range(5):  # the tenant's max_failed_logins
        assert browser.post(f"{PREFIX}/login", json=wrong).status_code == 401
    right = {"email": "dan@example.org", "password": PASSWORD}
    locked = browser.post(f"{PREFIX}/login", json=right)
    assert locked.status_code == 401 and _code(locked) == "INVALID_CREDENTIALS"
    assert client.get(f"{PREFIX}/me").status_code == 401  # locking ended the sessions
    assert _accounts(panel)[0][1] == "locked"

    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)  # the tenant's lockout_minutes
    with time_machine.travel(later, tick=False):
        session: Any = browser.post(f"{PREFIX}/login", json=right)
        assert session.status_code == 200
    client.token = session.json["token"]
    with time_machine.travel(later + dt.timedelta(minutes=29), tick=False):
        assert client.get(f"{PREFIX}/me").status_code == 200
    with time_machine.travel(later + dt.timedelta(minutes=29 + 31), tick=False):
        idle = client.get(f"{PREFIX}/me")  # 31 minutes idle: the tenant's idle timeout is 30
    assert idle.status_code == 401 and _code(idle) == "SESSION_EXPIRED"

    limited = app_with_plugins(
        auth_rate_limit="3 per minute", password_reset_rate_limit="2 per hour"
    )
    public = tenant_client(limited).for_host(tenant_host(limited, panel.tenant))
    for _ in range(2):
        assert (
            public.post(f"{PREFIX}/login-link", json={"email": "dan@example.org"}).status_code
            == 202
        )
    flooded = public.post(f"{PREFIX}/login-link", json={"email": "dan@example.org"})
    assert flooded.status_code == 429 and "Retry-After" in flooded.headers
    refused = public.post(f"{PREFIX}/login", json=right)
    assert refused.status_code == 429


def _at_once(calls: list[Any]) -> list[Any]:
    """Each call in its own thread, released together; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_link_opens_one_session_and_one_email_one_account_under_concurrency(panel: Panel):
    signups = _at_once([lambda: panel.register("kim@example.org") for _ in range(3)])
    assert [a.status_code for a in signups] == [202, 202, 202]
    assert [status for email, status, _ in _accounts(panel)] == ["pending"]
    # One verification email, the others got login links: the first link opens.
    token = re.search(r"token=([\w-]+)", panel.emails("kim@example.org")[0])
    assert token is not None
    browsers = [panel.browser() for _ in range(3)]
    confirm = f"{PREFIX}/verify-email"
    opened = _at_once(
        [
            lambda b=b: b.post(confirm, json={"token": token.group(1), "password": PASSWORD})
            for b in browsers
        ]
    )
    assert sorted(a.status_code for a in opened) == [200, 422, 422]
