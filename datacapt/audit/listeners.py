"""After a commit, committed audit records go to the plugins' audit listeners."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event

from datacapt.database.session import ScopedSchemaSession
from datacapt.plugins.services import enabled_plugins, plugin_set
from datacapt.tenancy.context import current_tenant_or_none

log = logging.getLogger(__name__)
HOOK = "datacapt_audit_event"


@event.listens_for(ScopedSchemaSession, "after_commit")
def _dispatch(session: ScopedSchemaSession) -> None:
    records: list[dict[str, Any]] = session.info.pop("audit_records", None) or []
    tenant = current_tenant_or_none()
    if not records or tenant is None:
        return
    plugins = plugin_set()
    listeners = [impl.plugin_name for impl in getattr(plugins.manager.hook, HOOK).get_hookimpls()]
    if not listeners:
        return
    # The session is finishing its commit: read the toggles on a connection of its own.
    with session.get_bind().engine.connect() as connection:
        enabled = enabled_plugins(tenant.id, connection)
    for name in listeners:
        if name not in enabled:
            continue
        for record in records:
            public = {k: v for k, v in record.items() if k != "payload"}
            try:
                plugins.call(name, HOOK, tenant=tenant, record=public)
            except Exception:
                log.exception("Audit listener of plugin %s failed", name)


@event.listens_for(ScopedSchemaSession, "after_rollback")
def _forget(session: ScopedSchemaSession) -> None:
    session.info.pop("audit_records", None)
