"""Login, sessions (idle and absolute expiry), logout, lockout, passwords and resets."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.database import db, unit_of_work
from datacapt.identity.models import SecurityEvent, SecurityEventKind
from datacapt.notifications import Notification
from datacapt.tenancy import tenant_context
from datacapt.tenancy.services import update_tenant_settings
from datacapt.testing.mail import delivered_body, emails_to
from datacapt.testing.pytest_plugin import tenant_host


def login(client, email: str, password: str, **headers):
    return client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )


def event_kinds(app, tenant, email: str) -> list[str]:
    with app.app_context(), tenant_context(tenant):
        return list(
            db.session.execute(
                sa.select(SecurityEvent.kind)
                .where(SecurityEvent.email == email)
                .order_by(SecurityEvent.id)
            ).scalars()
        )


def settings(app, tenant, **changes) -> None:
    with app.app_context(), tenant_context(tenant), unit_of_work():
        update_tenant_settings(changes)


@pytest.mark.requirement("P11-11.10d")
def test_login_gives_a_token_that_identifies_the_user(app, api_client, user_factory, tenant):
    user = user_factory(tenant, "investigator")
    response = login(api_client, user.email.upper(), user.password)
    assert response.status_code == 200
    token = response.json["token"]
    me = api_client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["email"] == user.email
    assert me.json["platform_role"]["name"] == "investigator"
    assert "password" not in me.json and "password_hash" not in me.json
    assert event_kinds(app, tenant, user.email) == ["login_succeeded"]


@pytest.mark.requirement("P11-11.300")
def test_failed_logins_never_reveal_whether_the_email_exists(app, api_client, user_factory, tenant):
    user = user_factory(tenant)
    wrong_password = login(api_client, user.email, "not the password at all")
    unknown_email = login(api_client, "nobody@example.org", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json["error"] | {"x": 0} == unknown_email.json["error"] | {"x": 0}
    assert wrong_password.json["error"]["internal_name"] == "INVALID_CREDENTIALS"
    assert event_kinds(app, tenant, "nobody@example.org") == ["login_failed"]


@pytest.mark.requirement("P11-11.10d", "A11-12", "E6-4.3.3")
def test_requests_without_credentials_are_401(api_client):
    response = api_client.get("/api/users/me")
    assert response.status_code == 401
    assert response.json["error"]["internal_name"] == "AUTHENTICATION_REQUIRED"
    bogus = api_client.get("/api/users/me", headers={"Authorization": "Bearer forged"})
    assert bogus.json["error"]["internal_name"] == "INVALID_TOKEN"


@pytest.mark.requirement("P11-11.10d")
def test_logout_revokes_the_token(app, client_as, tenant):
    client = client_as(tenant)
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/users/me").status_code == 401
    assert event_kinds(app, tenant, client.user.email)[-1] == "logged_out"


@pytest.mark.requirement("P11-11.10h", "E6-4.3.3")
def test_a_token_is_useless_on_another_tenants_host(
    app, client_as, client_for, tenant, other_tenant
):
    client = client_as(tenant)
    elsewhere = client_for(other_tenant)
    elsewhere.token = client.token
    assert elsewhere.get("/api/users/me").status_code == 401
    assert client.get("/api/users/me").status_code == 200


@pytest.mark.requirement("P11-11.10d", "E6-4.3.3")
def test_idle_sessions_expire(app, client_as, tenant):
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = client_as(tenant)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/api/users/me").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        expired = client.get("/api/users/me")
    assert (
        expired.status_code == 401 and expired.json["error"]["internal_name"] == "SESSION_EXPIRED"
    )
    assert "session_expired" in event_kinds(app, tenant, client.user.email)


@pytest.mark.requirement("E6-4.3.3")
def test_sessions_end_at_their_absolute_lifetime_even_when_active(app, client_as, tenant):
    settings(app, tenant, session_lifetime_hours=2, session_idle_minutes=60)
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = client_as(tenant)
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=39))
            assert client.get("/api/users/me").status_code == 200
        clock.shift(dt.timedelta(minutes=5))
        assert client.get("/api/users/me").json["error"]["internal_name"] == "SESSION_EXPIRED"


@pytest.mark.requirement("P11-11.300", "E6-4.3.3")
def test_five_failures_lock_the_account_until_an_administrator_unlocks_it(
    app, api_client, client_as, user_factory, tenant
):
    settings(app, tenant, lockout_minutes=0)
    user = user_factory(tenant, "viewer")
    for _ in range(5):
        assert login(api_client, user.email, "wrong password here").status_code == 401
    refused = login(api_client, user.email, user.password)
    assert refused.status_code == 401
    assert refused.json["error"]["internal_name"] == "INVALID_CREDENTIALS"  # locked, but not said
    admin = client_as(tenant)
    assert admin.get(f"/api/users/{user.uuid}").json["status"] == "locked"
    assert admin.post(f"/api/users/{user.uuid}/unlock").json["status"] == "active"
    assert login(api_client, user.email, user.password).status_code == 200
    kinds = event_kinds(app, tenant, user.email)
    assert kinds.count("login_failed") == 6
    assert "account_locked" in kinds and "account_unlocked" in kinds


@pytest.mark.requirement("P11-11.300")
def test_a_lock_ends_by_itself_after_the_configured_delay(app, api_client, user_factory, tenant):
    settings(app, tenant, lockout_minutes=15, max_failed_logins=3)
    user = user_factory(tenant, "viewer")
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(3):
            login(api_client, user.email, "wrong password here")
        clock.shift(dt.timedelta(minutes=14))
        assert login(api_client, user.email, user.password).status_code == 401
        clock.shift(dt.timedelta(minutes=2))
        assert login(api_client, user.email, user.password).status_code == 200


@pytest.mark.requirement("P11-11.300")
def test_locking_ends_open_sessions(app, api_client, client_as, tenant):
    settings(app, tenant, max_failed_logins=2)
    victim = client_as(tenant, "viewer")
    for _ in range(2):
        login(api_client, victim.user.email, "wrong password here")
    assert victim.get("/api/users/me").status_code == 401


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12"),
        ("x" * 129, "at most 128"),
        ("password123456", "too common"),
        ("Qwertyuiop123!", "too common"),
        ("Ada-Lovelace-Rocks-1815", "your name or email"),
    ],
)
@pytest.mark.requirement("P11-11.300", "GDPR-32")
def test_the_password_policy_refuses_weak_passwords(client_as, tenant, password, reason):
    client = client_as(tenant, first_name="Ada", last_name="Lovelace")
    response = client.post(
        "/api/users/me/password",
        json={"current_password": client.user.password, "new_password": password},
    )
    assert response.status_code == 422
    assert response.json["error"]["internal_name"] == "PASSWORD_POLICY"
    assert any(reason in message for message in response.json["error"]["fields"]["password"])


@pytest.mark.requirement("P11-11.300")
def test_none_of_the_last_five_passwords_is_reused(client_as, tenant):
    client = client_as(tenant)
    passwords = [client.user.password] + [f"Fresh-Mountain-River-{i}-x" for i in range(5)]
    for old, new in itertools.pairwise(passwords):
        token = client.post(
            "/api/auth/login", json={"email": client.user.email, "password": old}
        ).json["token"]
        client.token = token
        assert (
            client.post(
                "/api/users/me/password", json={"current_password": old, "new_password": new}
            ).status_code
            == 204
        )
    client.token = client.post(
        "/api/auth/login", json={"email": client.user.email, "password": passwords[-1]}
    ).json["token"]
    reused = client.post(
        "/api/users/me/password",
        json={"current_password": passwords[-1], "new_password": passwords[2]},
    )
    assert reused.status_code == 422 and "last 5" in str(reused.json["error"]["fields"])
    oldest = client.post(
        "/api/users/me/password",
        json={"current_password": passwords[-1], "new_password": passwords[0]},
    )
    assert oldest.status_code == 204  # six changes ago: allowed again


@pytest.mark.requirement("P11-11.300")
def test_changing_the_password_needs_the_current_one_and_ends_sessions(client_as, tenant):
    client = client_as(tenant)
    wrong = client.post(
        "/api/users/me/password",
        json={"current_password": "nope", "new_password": "Brand-New-Secret-Phrase-9"},
    )
    assert wrong.status_code == 422 and wrong.json["error"]["internal_name"] == "WRONG_PASSWORD"
    ok = client.post(
        "/api/users/me/password",
        json={
            "current_password": client.user.password,
            "new_password": "Brand-New-Secret-Phrase-9",
        },
    )
    assert ok.status_code == 204
    assert client.get("/api/users/me").status_code == 401


def reset_token(app, tenant, email: str) -> str:
    with app.app_context(), tenant_context(tenant):
        (message,) = [m for m in emails_to(email) if m.template == "password_reset"]
        assert message.state == "sent"
        return re.search(r"token=([\w-]+)", delivered_body(message)).group(1)


@pytest.mark.requirement("P11-11.300")
def test_password_reset_by_single_use_emailed_token(
    app, api_client, client_as, user_factory, tenant
):
    user = user_factory(tenant, "viewer")
    session = client_as(tenant)  # another user's session is untouched by this reset
    assert (
        api_client.post("/api/auth/password-reset", json={"email": user.email}).status_code == 202
    )
    token = reset_token(app, tenant, user.email)
    new = "Another-Long-Passphrase-77"
    assert (
        api_client.post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": new}
        ).status_code
        == 204
    )
    again = api_client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "Yet-Another-Passphrase-78"},
    )
    assert (
        again.status_code == 422 and again.json["error"]["internal_name"] == "RESET_TOKEN_INVALID"
    )
    assert login(api_client, user.email, new).status_code == 200
    assert login(api_client, user.email, user.password).status_code == 401
    assert session.get("/api/users/me").status_code == 200


def test_password_reset_answers_the_same_for_unknown_emails(app, api_client, tenant):
    response = api_client.post("/api/auth/password-reset", json={"email": "ghost@example.org"})
    assert response.status_code == 202 and response.json == {"status": "accepted"}
    with app.app_context(), tenant_context(tenant):
        assert (
            db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar() == 0
        )


@pytest.mark.requirement("P11-11.300")
def test_reset_tokens_expire(app, api_client, user_factory, tenant):
    user = user_factory(tenant)
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        api_client.post("/api/auth/password-reset", json={"email": user.email})
        token = reset_token(app, tenant, user.email)
        clock.shift(dt.timedelta(minutes=61))
        late = api_client.post(
            "/api/auth/password-reset/confirm",
            json={"token": token, "password": "Late-But-Strong-Phrase-5"},
        )
    assert late.status_code == 422


def test_a_reset_also_unlocks_a_locked_account(app, api_client, user_factory, tenant):
    settings(app, tenant, max_failed_logins=1, lockout_minutes=0)
    user = user_factory(tenant)
    login(api_client, user.email, "wrong password here")
    api_client.post("/api/auth/password-reset", json={"email": user.email})
    token = reset_token(app, tenant, user.email)
    api_client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "Unlocked-By-Reset-Phrase-3"},
    )
    assert login(api_client, user.email, "Unlocked-By-Reset-Phrase-3").status_code == 200


def test_errors_speak_french_when_asked(api_client):
    response = login(api_client, "nobody@example.org", "whatever it is", Language="fr-FR")
    assert (
        response.json["error"]["message"]
        == "E-mail ou mot de passe invalide, ou compte verrouillé."
    )
    english = login(api_client, "nobody@example.org", "whatever it is", Language="de")
    assert (
        english.json["error"]["message"] == "Invalid email or password, or the account is locked."
    )


def test_reset_links_point_to_the_tenant_host_when_the_frontend_url_names_it(
    app, api_client, user_factory, tenant, monkeypatch
):
    monkeypatch.setitem(app.config, "DATACAPT_FRONTEND_URL", "https://{host}/app")
    user = user_factory(tenant, "viewer")
    api_client.post("/api/auth/password-reset", json={"email": user.email})
    with app.app_context(), tenant_context(tenant):
        (message,) = emails_to(user.email)
        body = delivered_body(message)
    host = tenant_host(app, tenant)
    assert f"https://{host}/app/reset-password?token=" in body


def statements_of(app, call) -> list[str]:
    """The SQL the call sends, with its parameters left out."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return sent


def test_a_reset_request_does_the_same_work_for_known_and_unknown_emails(
    app, api_client, user_factory, tenant, redis_queue
):
    user = user_factory(tenant, "viewer")
    api_client.post("/api/auth/password-reset", json={"email": "warm@example.org"})

    def ask(email):
        return lambda: api_client.post("/api/auth/password-reset", json={"email": email})

    known = statements_of(app, ask(user.email))
    unknown = statements_of(app, ask("ghost@example.org"))
    assert known == unknown
    # The link is made and emailed by the job, apart from the request.
    with app.app_context(), tenant_context(tenant):
        assert emails_to(user.email) == []


@pytest.mark.requirement("P11-11.300")
def test_concurrent_wrong_passwords_check_no_more_guesses_than_the_limit(
    app, client_for, user_factory, tenant
):
    settings(app, tenant, max_failed_logins=5, lockout_minutes=0)
    user = user_factory(tenant, "viewer")

    def guess(n: int) -> int:
        return login(client_for(tenant), user.email, f"wrong guess {n}").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(guess, range(16))) == {401}
    with app.app_context(), tenant_context(tenant):
        checked = db.session.execute(
            sa.select(sa.func.count())
            .select_from(SecurityEvent)
            .where(
                SecurityEvent.kind == SecurityEventKind.LOGIN_FAILED,
                SecurityEvent.details["reason"].astext == "wrong password",
            )
        ).scalar()
    assert checked == 5
    assert login(client_for(tenant), user.email, user.password).status_code == 401  # locked


@pytest.mark.requirement("P11-11.300", "E6-4.3.3")
def test_logins_resets_and_acceptances_are_rate_limited(app_with_plugins, tenant, user_factory):
    limited = app_with_plugins(
        auth_rate_limit="3 per minute", password_reset_rate_limit="2 per hour"
    )
    client = limited.test_client().for_host(tenant_host(limited, tenant))
    user = user_factory(tenant, "viewer")
    for _ in range(3):
        assert login(client, user.email, "wrong").status_code == 401
    refused = login(client, user.email, user.password)
    assert refused.status_code == 429 and refused.json["error"]["internal_code"] == 1029
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["error"]["details"]["retry_after_seconds"] == int(
        refused.headers["Retry-After"]
    )
    accept = client.post("/api/auth/invitations/accept", json={"token": "x", "password": "y"})
    assert accept.status_code == 429
    # Another address is not held back by this one.
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert (
        client.post(
            "/api/auth/login",
            json={"email": user.email, "password": user.password},
            environ_base=other,
        ).status_code
        == 200
    )
    # A mailbox gets few reset links, whoever asks.
    for address in ("198.51.100.8", "198.51.100.9"):
        asked = client.post(
            "/api/auth/password-reset",
            json={"email": user.email},
            environ_base={"REMOTE_ADDR": address},
        )
        assert asked.status_code == 202
    flooded = client.post(
        "/api/auth/password-reset",
        json={"email": user.email.upper()},
        environ_base={"REMOTE_ADDR": "198.51.100.10"},
    )
    assert flooded.status_code == 429
