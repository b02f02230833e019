"""After a commit, the committed audit records go to the registered listener (the plugin
setup registers the plugins' audit listeners)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from datacapt.database.deferred import drop_rolled_back, take_committed
from datacapt.database.session import ScopedSchemaSession
from datacapt.slots import Slot
from datacapt.tenancy.context import TenantRef, current_tenant_or_none

#: Where a transaction keeps the audit records it wrote, for the listener.
COMMITTED_RECORDS = "audit_records"

# (tenant, records without their chain payload, the engine of the committed session)
RecordListener = Callable[[TenantRef, list[dict[str, Any]], sa.Engine], None]
_LISTENER: Slot[RecordListener] = Slot("datacapt.audit_listener")


def register_record_listener(app: Flask, listener: RecordListener) -> None:
    """Set what receives each commit's audit records, after the commit."""
    _LISTENER.fill(app, listener)


@event.listens_for(ScopedSchemaSession, "after_commit")
def _dispatch(session: ScopedSchemaSession) -> None:
    records: list[dict[str, Any]] = take_committed(session, COMMITTED_RECORDS)
    tenant = current_tenant_or_none()
    if not records or tenant is None:
        return
    public = [{k: v for k, v in record.items() if k != "payload"} for record in records]
    _LISTENER.get()(tenant, public, session.get_bind().engine)


@event.listens_for(ScopedSchemaSession, "after_rollback")
def _forget(session: ScopedSchemaSession) -> None:
    drop_rolled_back(session, COMMITTED_RECORDS)
