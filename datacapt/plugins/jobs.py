"""The fan-out job behind a plugin's periodic entry: one job per tenant that enabled it."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.database import db
from datacapt.jobs.queue import enqueue
from datacapt.plugins.models import TenantPlugin
from datacapt.tenancy.models import Tenant, TenantStatus
from datacapt.tenancy.services import to_ref


def fan_out(plugin: str, func: str, queue: str) -> int:
    """Enqueue ``func`` in every active tenant with ``plugin`` enabled; returns how many.

    Each tenant gets its own job, so one tenant's failure never stops another's (without
    Redis they run here after the commit, in turn, each failure logged).
    """
    tenants = (
        db.session.execute(
            sa.select(Tenant)
            .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
            .where(
                TenantPlugin.plugin == plugin,
                TenantPlugin.enabled.is_(True),
                Tenant.status == TenantStatus.ACTIVE,
            )
            .order_by(Tenant.id)
        )
        .scalars()
        .all()
    )
    for tenant in tenants:
        enqueue(func, tenant=to_ref(tenant), queue=queue)
    return len(tenants)
