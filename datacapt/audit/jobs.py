"""The periodic job that records each tenant's chain head in the shared schema."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.audit.models import AuditChainHead, AuditRecord
from datacapt.database import db, utcnow
from datacapt.database.session import translated_engine
from datacapt.jobs.cron import CronEntry
from datacapt.tenancy.services import list_tenants

HEADS_ENTRY = CronEntry(
    "audit-chain-heads", "datacapt.audit.jobs.record_chain_heads", interval=3600
)


def record_chain_heads() -> int:
    """Record every tenant's last audit record (when it moved); returns how many moved.

    One tenant's failure is logged and the others are still recorded.
    """
    recorded = 0
    for tenant in list_tenants():
        with translated_engine(db.engine, tenant.schema_name).connect() as connection:
            head = connection.execute(
                sa.select(AuditRecord.sequence, AuditRecord.hash)
                .order_by(AuditRecord.sequence.desc())
                .limit(1)
            ).one_or_none()
        if head is None:
            continue
        last = db.session.execute(
            sa.select(AuditChainHead.sequence)
            .where(AuditChainHead.tenant_id == tenant.id)
            .order_by(AuditChainHead.sequence.desc())
            .limit(1)
        ).scalar_one_or_none()
        if last != head.sequence:
            db.session.add(
                AuditChainHead(
                    tenant_id=tenant.id,
                    sequence=head.sequence,
                    hash=head.hash,
                    recorded_at=utcnow(),
                )
            )
            recorded += 1
    db.session.flush()
    return recorded
