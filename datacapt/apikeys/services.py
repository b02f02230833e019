"""API keys: created by a tenant admin, shown once, stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from datacapt.apikeys.models import ApiKey
from datacapt.database import db, get_by_uuid, separate_unit, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, invalid
from datacapt.i18n import Message
from datacapt.identity import events
from datacapt.identity.models import SecurityEventKind, User, UserStatus
from datacapt.identity.principal import Principal
from datacapt.identity.secrets import digest, new_secret
from datacapt.identity.sessions import TOUCH_INTERVAL
from datacapt.permissions.models import Role, granted_by
from datacapt.permissions.services import checked_permissions, ensure_may_grant

KEY_PREFIX = "dck_"


def create_api_key(
    creator: User,
    name: str,
    permissions: Iterable[str],
    expires_at: dt.datetime | None,
    all_studies: bool,
    study_uuids: Iterable[str],
    actor: str,
    held: frozenset[str],
) -> tuple[ApiKey, str]:
    """The new key and its secret, which is never shown again.

    A key gets no permission its creator lacks tenant-wide (no escalation through keys),
    and at each use acts within what its creator holds then.
    """
    permissions = checked_permissions(permissions)
    ensure_may_grant(held, permissions)
    if expires_at is not None and expires_at <= utcnow():
        raise invalid(
            InternalCodes.VALIDATION_FAILED,
            Message("The expiry must be in the future."),
            field="expires_at",
        )
    prefix = new_secret(6)[:8]
    secret = f"{KEY_PREFIX}{prefix}_{new_secret()}"
    key = ApiKey(
        name=name,
        prefix=f"{KEY_PREFIX}{prefix}",
        key_hash=digest(secret),
        permissions=permissions,
        all_studies=all_studies,
        study_uuids=sorted({str(s) for s in study_uuids}),
        expires_at=expires_at,
        created_by_id=creator.id,
    )
    db.session.add(key)
    db.session.flush()
    events.record(
        SecurityEventKind.API_KEY_CREATED, creator, actor=actor, api_key=str(key.uuid), name=name
    )
    db.session.flush()
    return key, secret


def list_api_keys() -> list[ApiKey]:
    return list(db.session.execute(sa.select(ApiKey).order_by(ApiKey.id)).scalars())


def revoke_api_key(key_uuid, revoker: User | None, actor: str) -> ApiKey:
    key = get_by_uuid(ApiKey, key_uuid)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        events.record(
            SecurityEventKind.API_KEY_REVOKED, revoker, actor=actor, api_key=str(key.uuid)
        )
        db.session.flush()
    return key


# Built once: the key with its creator's status and platform role, in one query.
_KEY_QUERY = (
    sa.select(ApiKey, User.status, Role.name, Role.is_default, Role.permissions)
    .join(User, User.id == ApiKey.created_by_id)
    .join(Role, Role.id == User.platform_role_id)
    .where(ApiKey.key_hash == sa.bindparam("key_hash"))
)


def resolve_api_key(secret: str) -> Principal:
    """The principal of an Api-Key header: the key, bounded by what its creator holds now;
    401 when unknown, revoked, expired, or its creator is no longer active."""
    row = db.session.execute(_KEY_QUERY, {"key_hash": digest(secret)}).one_or_none()
    now = utcnow()
    if (
        row is None
        or row.ApiKey.revoked_at is not None
        or (row.ApiKey.expires_at and row.ApiKey.expires_at <= now)
        or row.status != UserStatus.ACTIVE
    ):
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            InternalCodes.INVALID_API_KEY,
            Message("The API key is not valid."),
        )
    key = row.ApiKey
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_INTERVAL:
        # Bookkeeping, not a change of the key: written past the audited ORM path, on its
        # own, so that it holds whatever the request answers.
        with separate_unit():
            db.session.execute(
                sa.update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
            )
    return Principal(api_key=key, granted=granted_by(row.name, row.is_default, row.permissions))
