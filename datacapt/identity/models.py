"""People and their credentials, in the tenant schema."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.database import BaseModel, StatusTransitionMixin, TenantModel, utcnow
from datacapt.database.audited import Audited
from datacapt.permissions.models import Role


class UserStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    LOCKED = "locked"
    DEACTIVATED = "deactivated"


class User(TenantModel, BaseModel, StatusTransitionMixin, Audited):
    __tablename__ = "users"
    audit_exclude = frozenset({"password_hash"})
    __table_args__ = (
        sa.Index("uq_users_email_lower", sa.func.lower(sa.text("email")), unique=True),
    )

    email: Mapped[str] = mapped_column(sa.String(254))
    first_name: Mapped[str] = mapped_column(sa.String(100), default="")
    last_name: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=UserStatus.INVITED)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    platform_role_id: Mapped[int] = mapped_column(sa.ForeignKey(Role.id))
    platform_role: Mapped[Role] = relationship(lazy="joined")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    password_changed_at: Mapped[dt.datetime | None]
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    allowed_status_transitions = {
        UserStatus.INVITED: {UserStatus.ACTIVE, UserStatus.DEACTIVATED},
        UserStatus.ACTIVE: {UserStatus.LOCKED, UserStatus.DEACTIVATED},
        UserStatus.LOCKED: {UserStatus.ACTIVE, UserStatus.DEACTIVATED},
        UserStatus.DEACTIVATED: {UserStatus.ACTIVE},
    }

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


class PasswordHistory(TenantModel):
    """Earlier password hashes of a user, so none of the last ones is reused."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuthToken(TenantModel):
    """A login session: only the SHA-256 of the bearer token is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))


class PasswordResetToken(TenantModel):
    """A single-use, expiring password reset; only its SHA-256 is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class SecurityEventKind(enum.StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_UNLOCKED = "account_unlocked"
    LOGGED_OUT = "logged_out"
    SESSION_EXPIRED = "session_expired"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_CONFIRMED = "password_confirmed"
    PASSWORD_CONFIRMATION_FAILED = "password_confirmation_failed"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"


class SecurityEvent(TenantModel, Audited):
    """Append-only record of authentication events (who, when, from where, what)."""

    __tablename__ = "security_events"
    audit_takes_reason = False

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    actor: Mapped[str | None] = mapped_column(sa.String(300))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
