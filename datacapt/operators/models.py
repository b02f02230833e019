"""Platform operators (shared schema): they create tenants and toggle plugins, nothing else."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.database import BaseModel, SharedModel, utcnow


class Operator(SharedModel, BaseModel):
    __tablename__ = "operators"
    __table_args__ = (
        sa.Index("uq_operators_email_lower", sa.func.lower(sa.text("email")), unique=True),
    )

    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[dt.datetime | None]


class OperatorToken(SharedModel):
    """An operator's API session; only the SHA-256 of the token is stored."""

    __tablename__ = "operator_tokens"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey(Operator.id), index=True)
    operator: Mapped[Operator] = relationship(lazy="joined")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
