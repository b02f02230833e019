"""The notification sweep's periodic job: every minute, each active tenant with messages
due gets a sweep job of its own (datacapt.notifications.delivery.sweep)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from datacapt.database import db, utcnow
from datacapt.database.session import translated_engine
from datacapt.jobs import enqueue
from datacapt.jobs.cron import CronEntry
from datacapt.notifications.delivery import due, sweep
from datacapt.tenancy.models import Tenant, TenantStatus
from datacapt.tenancy.services import to_ref

log = logging.getLogger(__name__)

SWEEP_ENTRY = CronEntry(
    "notifications-sweep", "datacapt.notifications.jobs.sweep_tenants", cron="* * * * *"
)


def sweep_tenants() -> int:
    """Enqueue the sweep of every active tenant that has messages due; returns how many.
    A tenant whose schema cannot be read (not migrated yet) is logged and skipped."""
    now = utcnow()
    tenants = db.session.execute(
        sa.select(Tenant).where(Tenant.status == TenantStatus.ACTIVE).order_by(Tenant.id)
    ).scalars()
    swept = 0
    for tenant in tenants:
        try:
            with translated_engine(db.engine, tenant.schema_name).connect() as connection:
                waiting = connection.execute(sa.select(sa.exists().where(due(now)))).scalar()
        except sa.exc.DBAPIError:
            log.exception("Messages of tenant %s could not be swept", tenant.schema_name)
            continue
        if waiting:
            enqueue(sweep, tenant=to_ref(tenant))
            swept += 1
    return swept
