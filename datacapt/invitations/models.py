"""Invitations: a person asked by email to join the tenant, and possibly a study."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.database import BaseModel, TenantModel
from datacapt.database.audited import Audited
from datacapt.identity.models import User
from datacapt.permissions.models import Role
from datacapt.studies.models import Study


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class Invitation(TenantModel, BaseModel, Audited):
    """Only the SHA-256 of the token is stored; resending replaces the token."""

    __tablename__ = "invitations"
    audit_exclude = frozenset({"token_hash"})

    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), default="")
    last_name: Mapped[str] = mapped_column(sa.String(100), default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    platform_role_id: Mapped[int] = mapped_column(sa.ForeignKey(Role.id))
    platform_role: Mapped[Role] = relationship(foreign_keys=[platform_role_id], lazy="joined")
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Study.id))
    study: Mapped[Study | None] = relationship(lazy="joined")
    study_role_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Role.id))
    study_role: Mapped[Role | None] = relationship(foreign_keys=[study_role_id], lazy="joined")
    all_centers: Mapped[bool] = mapped_column(default=True)
    center_ids: Mapped[list[int]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(sa.String(20), default=InvitationStatus.PENDING)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime]
    sent_count: Mapped[int] = mapped_column(default=0)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    accepted_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
