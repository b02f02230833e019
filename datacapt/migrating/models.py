"""The shared record of each tenant's applied revisions (what the at-head check reads)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import SharedModel


class TenantHeads(SharedModel):
    """A tenant schema's revisions of one lineage, written in the transaction that applied
    them, so it never says more than the schema holds once committed."""

    __tablename__ = "tenant_heads"

    tenant_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("tenants.id"), primary_key=True
    )
    lineage: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    revisions: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.String(32)))
    recorded_at: Mapped[dt.datetime]
