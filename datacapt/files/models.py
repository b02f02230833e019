"""Uploaded files: metadata in the tenant schema, content on disk under the tenant."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import BaseModel, TenantModel
from datacapt.database.audited import Audited


class StoredFile(TenantModel, BaseModel, Audited):
    __tablename__ = "stored_files"

    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
