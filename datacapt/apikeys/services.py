"""API keys: created by a tenant admin, shown once, stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from datacapt.apikeys.models import ApiKey
from datacapt.database import db, separate_unit, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity import events
from datacapt.identity.models import SecurityEventKind, User
from datacapt.identity.secrets import digest, new_secret
from datacapt.identity.sessions import TOUCH_INTERVAL
from datacapt.permissions.services import checked_permissions

KEY_PREFIX = "dck_"


def create_api_key(
    creator: User,
    name: str,
    permissions: Iterable[str],
    expires_at: dt.datetime | None,
    all_studies: bool,
    study_uuids: Iterable[str],
    actor: str,
    allowed: frozenset[str],
) -> tuple[ApiKey, str]:
    """The new key and its secret, which is never shown again.

    A key gets no permission its creator lacks tenant-wide (no escalation through keys).
    """
    permissions = checked_permissions(permissions)
    beyond = sorted(set(permissions) - allowed)
    if beyond:
        raise DatacaptException(
            ErrorCode.FORBIDDEN,
            InternalCodes.PERMISSION_DENIED,
            Message(
                "You cannot give a key permissions you do not have: {names}",
                names=", ".join(beyond),
            ),
            fields={"permissions": [Message("You do not have {name}.", name=n) for n in beyond]},
        )
    if expires_at is not None and expires_at <= utcnow():
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("The expiry must be in the future."),
            fields={"expires_at": [Message("The expiry must be in the future.")]},
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
    key = db.session.execute(sa.select(ApiKey).where(ApiKey.uuid == key_uuid)).scalar_one_or_none()
    if key is None:
        raise DatacaptException(ErrorCode.NOT_FOUND, InternalCodes.OBJECT_NOT_FOUND)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        events.record(
            SecurityEventKind.API_KEY_REVOKED, revoker, actor=actor, api_key=str(key.uuid)
        )
        db.session.flush()
    return key


def resolve_api_key(secret: str) -> ApiKey:
    """The live key of an Api-Key header; 401 when unknown, revoked or expired."""
    key = db.session.execute(
        sa.select(ApiKey).where(ApiKey.key_hash == digest(secret))
    ).scalar_one_or_none()
    now = utcnow()
    if key is None or key.revoked_at is not None or (key.expires_at and key.expires_at <= now):
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            InternalCodes.INVALID_API_KEY,
            Message("The API key is not valid."),
        )
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_INTERVAL:
        # Bookkeeping, not a change of the key: written past the audited ORM path, on its
        # own, so that it holds whatever the request answers.
        with separate_unit():
            db.session.execute(
                sa.update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
            )
    return key
