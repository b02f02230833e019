"""Schema migrations: the shared lineage, tenant lineages and the per-schema runner."""

from datacapt.migrating.lineages import (
    CORE_TENANT_LINEAGE,
    SHARED_LINEAGE,
    Lineage,
    tenant_lineages,
)
from datacapt.migrating.runner import (
    MigrationReport,
    SchemaOutcome,
    current_revisions,
    migrate_schema,
    migrate_shared,
    migrate_tenants,
    record_at_head,
    recorded_heads,
    upgrade,
)

__all__ = [
    "CORE_TENANT_LINEAGE",
    "SHARED_LINEAGE",
    "Lineage",
    "MigrationReport",
    "SchemaOutcome",
    "current_revisions",
    "migrate_schema",
    "migrate_shared",
    "migrate_tenants",
    "record_at_head",
    "recorded_heads",
    "tenant_lineages",
    "upgrade",
]
