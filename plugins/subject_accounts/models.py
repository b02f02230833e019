"""The subject_accounts plugin's tables: a volunteer's account, the tokens it is reached
with (sessions, email verification, passwordless login), and the registration links."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    Study,
    TenantModel,
    utcnow,
)
from plugins.subjects.api import PERSONAL_DATA, Subject


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # registered, email not verified yet
    ACTIVE = "active"
    LOCKED = "locked"  # too many wrong passwords


class RegistrationLink(TenantModel, BaseModel, Audited):
    """A public way in: a link (or its QR code) for the tenant's panel or a study's
    recruitment campaign. Its token is derived from the secret key and the link's uuid,
    so only the digest is stored and staff can show it again."""

    __tablename__ = "subject_accounts_registration_links"

    name: Mapped[str] = mapped_column(sa.String(200))
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Study.id), index=True)
    study: Mapped[Study | None] = relationship(lazy="joined")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[dt.datetime | None]


class SubjectAccount(TenantModel, BaseModel, StatusTransitionMixin, Audited):
    """A volunteer's own login, one per subject, in a realm apart from staff users."""

    __tablename__ = "subject_accounts"
    __table_args__ = (
        sa.Index("uq_subject_accounts_email_lower", sa.func.lower(sa.text("email")), unique=True),
    )
    status_subject = Message("The account")
    audit_exclude = frozenset({"password_hash"})
    audit_sensitive = {PERSONAL_DATA: frozenset({"email"})}

    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), unique=True)
    subject: Mapped[Subject] = relationship(lazy="joined")
    email: Mapped[str] = mapped_column(sa.String(254))
    # None: the volunteer logs in by emailed links only.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(20), default=AccountStatus.PENDING)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    registration_link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(RegistrationLink.id), index=True
    )
    email_verified_at: Mapped[dt.datetime | None]
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    allowed_status_transitions = {
        AccountStatus.PENDING: {AccountStatus.ACTIVE},
        AccountStatus.ACTIVE: {AccountStatus.LOCKED},
        AccountStatus.LOCKED: {AccountStatus.ACTIVE},
    }


class TokenPurpose(enum.StrEnum):
    SESSION = "session"
    VERIFY_EMAIL = "verify_email"
    LOGIN_LINK = "login_link"


class AccountToken(TenantModel):
    """A bearer secret of an account, only its SHA-256 stored: a session (idle timeout and
    lifetime of the tenant's settings), or a single-use emailed link. Its uses are written
    to the audit trail as events of the account."""

    __tablename__ = "subject_account_tokens"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectAccount.id), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    # A verification link carries the password and consents chosen at that registration,
    # which take effect once the address is proven.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    consents: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    # Used (a link) or ended (a session: logout, expiry).
    ended_at: Mapped[dt.datetime | None]


MODELS: list[type] = [RegistrationLink, SubjectAccount, AccountToken]
