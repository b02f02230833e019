"""Audit records (tenant schema, append-only) and recorded chain heads (shared schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import SharedModel, TenantModel
from datacapt.tenancy.models import Tenant


class AuditRecord(TenantModel):
    """One change: who, when (UTC), what, old and new values, why. Written only by the
    database function audit_append, which chains it to the previous record."""

    __tablename__ = "audit_records"

    sequence: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime]
    actor_type: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[str] = mapped_column(sa.String(100))
    actor_name: Mapped[str] = mapped_column(sa.String(300))
    object_type: Mapped[str] = mapped_column(sa.String(80))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    study_id: Mapped[str | None] = mapped_column(sa.String(36))
    action: Mapped[str] = mapped_column(sa.String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    # Where the record belongs, as its model declares (Audited.audit_context): the center,
    # subject (in study), section (an eCRF section or ePRO occurrence) and question code.
    center_id: Mapped[str | None] = mapped_column(sa.String(64))
    subject_id: Mapped[str | None] = mapped_column(sa.String(64))
    section_id: Mapped[str | None] = mapped_column(sa.String(64))
    question: Mapped[str | None] = mapped_column(sa.Text)
    # {permission: [field, ...]}: fields of ``changes`` shown only to holders of the permission.
    sensitive: Mapped[dict[str, list[str]] | None] = mapped_column(JSONB)


class AuditChainHead(SharedModel):
    __tablename__ = "audit_chain_heads"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey(Tenant.id), index=True)
    sequence: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[dt.datetime]
