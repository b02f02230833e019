"""Shared-schema state of each plugin in each tenant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import BaseModel, SharedModel
from datacapt.tenancy.models import Tenant


class TenantPlugin(SharedModel, BaseModel):
    """Whether a tenant has a plugin enabled, since when and by whom, and its settings.

    A row is never deleted: disabling flips ``enabled`` and keeps the tenant's data.
    """

    __tablename__ = "tenant_plugins"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "plugin"),)

    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey(Tenant.id))
    plugin: Mapped[str] = mapped_column(sa.String(40))
    enabled: Mapped[bool] = mapped_column(default=False)
    enabled_at: Mapped[dt.datetime | None]
    enabled_by: Mapped[str | None] = mapped_column(sa.String(200))
    disabled_at: Mapped[dt.datetime | None]
    disabled_by: Mapped[str | None] = mapped_column(sa.String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
