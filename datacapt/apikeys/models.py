"""API keys of the public API: each acts as its own identity with its own permissions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import BaseModel, TenantModel
from datacapt.database.audited import Audited
from datacapt.identity.models import User


class ApiKey(TenantModel, BaseModel, Audited):
    """Only the SHA-256 of the key is stored; ``prefix`` lets people recognise a key."""

    __tablename__ = "api_keys"
    audit_exclude = frozenset({"key_hash"})

    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    permissions: Mapped[list[str]] = mapped_column(JSONB, default=list)
    all_studies: Mapped[bool] = mapped_column(default=False)
    study_uuids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id))

    if TYPE_CHECKING:
        secret: str  # not a column: set on a new key for its one response, never stored
