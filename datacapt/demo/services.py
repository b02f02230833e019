"""The demo tenant: created once, kept at head, with every loaded module enabled."""

from __future__ import annotations

from dataclasses import dataclass

from datacapt.database import db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.migrating import migrate_tenants
from datacapt.plugins.services import enable_plugin, plugin_set, tenant_lineage_plan
from datacapt.tenancy.services import create_tenant, find_tenant, get_tenant

DEMO_SCHEMA = "demo"
DEMO_NAME = "Demo Clinical Research"
DEMO_DOMAINS = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class DemoSeed:
    created: bool
    enabled: list[str]
    warnings: list[str]


def seed_demo(actor: str) -> DemoSeed:
    """Create (or migrate) the demo tenant, then enable every loaded plugin in it."""
    created = find_tenant(DEMO_SCHEMA) is None
    if created:
        create_tenant(DEMO_SCHEMA, DEMO_NAME, DEMO_DOMAINS)
    else:
        plan = tenant_lineage_plan([get_tenant(DEMO_SCHEMA)])
        db.session.remove()
        report = migrate_tenants(db.engine, plan)
        if not report.ok:
            raise DatacaptException(
                ErrorCode.INTERNAL_ERROR,
                InternalCodes.INTERNAL_ERROR,
                f"Migrating the demo tenant failed: {report.failed[0].error}",
            )
    enabled: list[str] = []
    warnings: list[str] = []
    for name in plugin_set().plugins:
        result = enable_plugin(DEMO_SCHEMA, name, actor, with_deps=True)
        enabled.extend(result.changed)
        warnings.extend(result.warnings)
    return DemoSeed(created, enabled, warnings)
