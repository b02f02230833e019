"""Login sessions: opaque bearer tokens with an idle timeout and an absolute lifetime."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import request

from datacapt.database import db, keep_on_error, separate_unit, utcnow
from datacapt.database.reads import TenantFunction, columns_of, read_outside_transaction
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity import events
from datacapt.identity.models import AuthToken, SecurityEventKind, User, UserStatus
from datacapt.identity.principal import Principal
from datacapt.identity.secrets import digest, new_secret
from datacapt.permissions.models import Role, granted_by
from datacapt.tenancy.models import TenantSettings
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


def session_expiry(token: str) -> dict[str, object]:
    """When the session of ``token`` ends: at ``expires_at``, or sooner after
    ``idle_timeout_minutes`` without a request."""
    expires_at = db.session.execute(
        sa.select(AuthToken.expires_at).where(AuthToken.token_hash == digest(token))
    ).scalar_one()
    idle = get_tenant_settings().session_idle_minutes
    return {"expires_at": expires_at, "idle_timeout_minutes": idle}


def _unauthorized(internal: InternalCodes, message: Message) -> DatacaptException:
    return DatacaptException(ErrorCode.UNAUTHORIZED, internal, message)


# The row of the tenant schema's session_of() (migrations/tenant/versions/0012_tenant), in
# its order, each read with the type of the attribute it holds: what ``session_principal``
# reads.
SESSION_COLUMNS = columns_of(
    {
        "id": AuthToken.id,
        "last_seen_at": AuthToken.last_seen_at,
        "expires_at": AuthToken.expires_at,
        "revoked_at": AuthToken.revoked_at,
        "user_id": User.id,
        "uuid": User.uuid,
        "email": User.email,
        "first_name": User.first_name,
        "last_name": User.last_name,
        "status": User.status,
        "name": Role.name,
        "is_default": Role.is_default,
        "permissions": Role.permissions,
        "session_idle_minutes": TenantSettings.session_idle_minutes,
    }
)
TOKEN_HASH = sa.bindparam("token_hash", type_=sa.String)
SESSION_OF = TenantFunction("session_of", (TOKEN_HASH,), SESSION_COLUMNS)


def resolve_session(token: str) -> Principal:
    """The principal of a live bearer token, refreshed; 401 when unknown, revoked or expired.

    The hot path of every request: one call of the tenant schema's session_of() reads the
    token, its user, the user's platform role and the tenant's idle timeout, without
    building ORM objects (a study-scoped request reads its study in the same call:
    datacapt.studies.context), and without opening a database transaction when it is the
    request's first statement (datacapt.database.reads).
    """
    row = read_outside_transaction(SESSION_OF.call(), {"token_hash": digest(token)}).one_or_none()
    return session_principal(row)


def session_principal(row: sa.Row | None) -> Principal:
    """The principal of a row of ``SESSION_COLUMNS`` (None: no such token), refreshed; 401
    when unknown, revoked or expired."""
    if row is None or row.revoked_at is not None or row.status != UserStatus.ACTIVE:
        raise _unauthorized(
            InternalCodes.INVALID_TOKEN, Message("The session is not valid; log in again.")
        )
    now = utcnow()
    if now >= row.expires_at or now - row.last_seen_at >= dt.timedelta(
        minutes=row.session_idle_minutes
    ):
        _update_token(row.id, revoked_at=now)
        events.record(SecurityEventKind.SESSION_EXPIRED, db.session.get(User, row.user_id))
        keep_on_error()  # the session ends although the answer is 401
        raise _unauthorized(
            InternalCodes.SESSION_EXPIRED, Message("The session has expired; log in again.")
        )
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        # The activity is real whatever the request answers: it commits on its own.
        with separate_unit():
            _update_token(row.id, last_seen_at=now)
    name = f"{row.first_name} {row.last_name}".strip() or row.email
    return Principal(
        session_id=row.id,
        user_id=row.user_id,
        label=f"{row.uuid} {name}",
        granted=granted_by(row.name, row.is_default, row.permissions),
    )


def _update_token(token_id: int, **values) -> None:
    db.session.execute(sa.update(AuthToken).where(AuthToken.id == token_id).values(**values))


def close_session(principal: Principal) -> None:
    assert principal.session_id is not None  # callers pass a user's principal: a session
    _update_token(principal.session_id, revoked_at=utcnow())


def close_all_sessions(user: User) -> None:
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
