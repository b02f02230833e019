"""Hello models: tenant tables, declared without a schema."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.toolkit import BaseModel, TenantModel
from sqlalchemy.orm import Mapped, mapped_column


class HelloRecord(TenantModel, BaseModel):
    __tablename__ = "hello_records"

    text: Mapped[str] = mapped_column(sa.String(200))
