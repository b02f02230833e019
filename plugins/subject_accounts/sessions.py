"""The volunteers' realm: their sessions, bearer tokens of their own table, never a staff
user's. A subject's token is unknown to the staff API (which reads only users' sessions and
API keys), and a staff token is unknown here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import g, request

from datacapt.toolkit import (
    Actor,
    DatacaptException,
    ErrorCode,
    InternalCodes,
    Message,
    acting_as,
    db,
    digest,
    get_tenant_settings,
    keep_on_error,
    new_secret,
    separate_unit,
    utcnow,
)
from plugins.subject_accounts.errors import SubjectAccountsCodes
from plugins.subject_accounts.models import (
    AccountStatus,
    AccountToken,
    SubjectAccount,
    TokenPurpose,
)

SCHEME = "subject_session"
SECURITY_SCHEMES = {
    SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "A volunteer's session: the token of POST /api/subject-accounts/login "
        "(or of an emailed verification or login link). Never a staff token.",
    }
}
# The answer every view of the realm can give for its credential.
SESSION_REFUSED = {
    401: "No volunteer session, or one that is unknown, ended or expired "
    "(AUTHENTICATION_REQUIRED, SUBJECT_SESSION_INVALID, SESSION_EXPIRED)."
}
# last_seen_at is written at most this often, as for staff sessions.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def open_session(account: SubjectAccount) -> dict[str, object]:
    """A new session of ``account``: its token (shown once, stored hashed) and when it ends."""
    settings = get_tenant_settings()
    token = new_secret()
    now = utcnow()
    expires_at = now + dt.timedelta(hours=settings.session_lifetime_hours)
    db.session.add(
        AccountToken(
            token_hash=digest(token),
            account_id=account.id,
            purpose=TokenPurpose.SESSION,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    return {
        "token": token,
        "expires_at": expires_at,
        "idle_timeout_minutes": settings.session_idle_minutes,
    }


def _refused(internal: InternalCodes | SubjectAccountsCodes, message: Message) -> DatacaptException:
    return DatacaptException(ErrorCode.UNAUTHORIZED, internal, message)


def _invalid_session() -> DatacaptException:
    return _refused(
        SubjectAccountsCodes.SUBJECT_SESSION_INVALID,
        Message("The session is not valid; log in again."),
    )


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused(
            InternalCodes.AUTHENTICATION_REQUIRED, Message("Log in to your volunteer account.")
        )
    return token.strip()


def current_account() -> SubjectAccount:
    """The account of the request's volunteer session; 401 when there is none, or it is
    unknown, ended or expired (idle timeout and lifetime of the tenant's settings)."""
    if "subject_account" in g:
        return g.subject_account
    session = db.session.execute(
        sa.select(AccountToken).where(
            AccountToken.token_hash == digest(_bearer()),
            AccountToken.purpose == TokenPurpose.SESSION,
        )
    ).scalar_one_or_none()
    account = db.session.get(SubjectAccount, session.account_id) if session else None
    if session is None or account is None or session.ended_at is not None:
        raise _invalid_session()
    now = utcnow()
    idle = dt.timedelta(minutes=get_tenant_settings().session_idle_minutes)
    if now >= session.expires_at or now - session.last_seen_at >= idle:
        session.ended_at = now
        keep_on_error()  # the session ends although the answer is 401
        raise _refused(
            InternalCodes.SESSION_EXPIRED, Message("The session has expired; log in again.")
        )
    if account.status != AccountStatus.ACTIVE:
        raise _invalid_session()
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        # The activity is real whatever the request answers: it commits on its own.
        with separate_unit():
            db.session.execute(
                sa.update(AccountToken)
                .where(AccountToken.id == session.id)
                .values(last_seen_at=now)
            )
    g.subject_account = account
    g.subject_session_id = session.id
    return account


def actor(account: SubjectAccount) -> Actor:
    """How the audit trail names a volunteer acting on their own data."""
    return Actor("subject", str(account.subject.uuid), account.subject.platform_id)


@contextmanager
def as_subject(account: SubjectAccount) -> Iterator[None]:
    """Changes made inside are audited with the volunteer as their author."""
    with acting_as(actor(account)):
        yield
        db.session.flush()  # the records are written now, while the actor is set


def end_current_session() -> None:
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.id == g.subject_session_id)
        .values(ended_at=utcnow())
    )


def end_sessions(account: SubjectAccount) -> None:
    db.session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.account_id == account.id,
            AccountToken.purpose == TokenPurpose.SESSION,
            AccountToken.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
