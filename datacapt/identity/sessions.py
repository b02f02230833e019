"""Login sessions: opaque bearer tokens with an idle timeout and an absolute lifetime."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import request

from datacapt.database import db, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity import events
from datacapt.identity.models import AuthToken, SecurityEventKind, User, UserStatus
from datacapt.identity.secrets import digest, new_secret
from datacapt.tenancy.services import get_tenant_settings

# last_seen_at is written at most this often: one write per minute, not per request.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def open_session(user: User) -> str:
    """A new session for ``user``; returns the bearer token (shown once, stored hashed)."""
    settings = get_tenant_settings()
    token = new_secret()
    now = utcnow()
    db.session.add(
        AuthToken(
            token_hash=digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_lifetime_hours),
            ip=request.remote_addr,
            user_agent=request.user_agent.string[:300] or None,
        )
    )
    return token


def _unauthorized(internal: InternalCodes, message: Message) -> DatacaptException:
    return DatacaptException(ErrorCode.UNAUTHORIZED, internal, message)


def resolve_session(token: str) -> AuthToken:
    """The live session of a bearer token, refreshed; 401 when unknown, revoked or expired."""
    session = db.session.execute(
        sa.select(AuthToken).where(AuthToken.token_hash == digest(token))
    ).scalar_one_or_none()
    if session is None or session.revoked_at is not None:
        raise _unauthorized(
            InternalCodes.INVALID_TOKEN, Message("The session is not valid; log in again.")
        )
    now = utcnow()
    idle = dt.timedelta(minutes=get_tenant_settings().session_idle_minutes)
    if now >= session.expires_at or now - session.last_seen_at >= idle:
        session.revoked_at = now
        events.record(SecurityEventKind.SESSION_EXPIRED, session.user)
        db.session.commit()
        raise _unauthorized(
            InternalCodes.SESSION_EXPIRED, Message("The session has expired; log in again.")
        )
    if session.user.status != UserStatus.ACTIVE:
        raise _unauthorized(
            InternalCodes.INVALID_TOKEN, Message("The session is not valid; log in again.")
        )
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        db.session.commit()
    return session


def close_session(session: AuthToken) -> None:
    session.revoked_at = utcnow()


def close_all_sessions(user: User) -> None:
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
