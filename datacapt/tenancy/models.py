"""Shared-schema tables: tenants and the host names that reach them."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.database import BaseModel, SharedModel, StatusTransitionMixin, TenantModel
from datacapt.database.audited import Audited


class TenantStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Tenant(SharedModel, BaseModel, StatusTransitionMixin):
    """A customer; its data lives in its own PostgreSQL schema ``schema_name``."""

    __tablename__ = "tenants"

    schema_name: Mapped[str] = mapped_column(sa.String(63), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default=TenantStatus.ACTIVE)
    archived_at: Mapped[dt.datetime | None]
    domains: Mapped[list[Domain]] = relationship(
        back_populates="tenant", order_by="Domain.id", lazy="selectin"
    )

    # Archiving is one-way: an archived tenant's rows are kept as evidence, never served again.
    allowed_status_transitions = {TenantStatus.ACTIVE: {TenantStatus.ARCHIVED}}


class Domain(SharedModel, BaseModel):
    """A host name (lower case, no port) that resolves to one tenant."""

    __tablename__ = "domains"

    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey(Tenant.id), index=True)
    is_primary: Mapped[bool] = mapped_column(default=False)
    tenant: Mapped[Tenant] = relationship(back_populates="domains")


class SpareSchema(SharedModel):
    """A tenant schema built ahead of need, its lineages at head and no tenant yet: a new
    tenant with the same lineages at the same heads takes it (datacapt.tenancy.spares)."""

    __tablename__ = "spare_schemas"

    schema_name: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    lineages: Mapped[dict[str, list[str]]] = mapped_column(postgresql.JSONB)
    created_at: Mapped[dt.datetime]


class TenantSettings(TenantModel, BaseModel, Audited):
    """The customer's own settings, one row in each tenant schema."""

    __tablename__ = "tenant_settings"

    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(sa.String(16), default="en")
    session_idle_minutes: Mapped[int] = mapped_column(default=30)
    session_lifetime_hours: Mapped[int] = mapped_column(default=12)
    max_failed_logins: Mapped[int] = mapped_column(default=5)
    # 0: a locked account waits for an administrator.
    lockout_minutes: Mapped[int] = mapped_column(default=30)
    # Browser origins of this customer's frontends, besides the deployment's.
    cors_origins: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Branding of the frontend and of the messages; None: the platform's own.
    brand_name: Mapped[str | None] = mapped_column(sa.String(200))
    # The upload shown as the logo (a stored file of this tenant).
    logo_file: Mapped[uuid.UUID | None]
    primary_color: Mapped[str | None] = mapped_column(sa.String(7))
    secondary_color: Mapped[str | None] = mapped_column(sa.String(7))
    sender_name: Mapped[str | None] = mapped_column(sa.String(100))
    sender_address: Mapped[str | None] = mapped_column(sa.String(254))
    sms_sender: Mapped[str | None] = mapped_column(sa.String(16))
    # The domains operators let this tenant send emails from, besides the deployment's.
    sender_domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # BCP 47 tags users and subjects may pick; the default language is one of them.
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["en", "fr"])
    # Days to keep each kind of record (datacapt.tenancy.retention); absent: its default.
    retention_days: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
