"""Upgrades the shared schema and each tenant schema, each in its own transaction and lock.

A tenant already at head costs one row of one query shared by all tenants: every upgrade
records the revisions it leaves in a tenant schema in the shared ``tenant_heads``, in the
same transaction, and the runner starts Alembic only for the schemas whose record is not
at head (behind, failed, or never recorded), checking each of those against the version
tables of its schema before it changes anything.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.runtime.environment import EnvironmentContext
from sqlalchemy.dialects import postgresql

from datacapt.database import SHARED_SCHEMA
from datacapt.database.locks import advisory_lock
from datacapt.database.session import SPANS_TENANTS
from datacapt.migrating.lineages import SHARED_LINEAGE, Lineage
from datacapt.migrating.models import TenantHeads
from datacapt.migrating.replay import recording, run_recorded

log = logging.getLogger(__name__)
# The tenants table as this layer reads it (its model belongs to the tenancy package above).
_TENANTS = sa.table("tenants", sa.column("id"), sa.column("schema_name"), schema=SHARED_SCHEMA)
_NAMES = postgresql.ARRAY(sa.String)
_CHUNK = 500  # schemas read by one query of their version tables


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    status: str  # "at_head", "upgraded" or "failed"
    seconds: float = 0.0
    error: str | None = None


@dataclass
class MigrationReport:
    outcomes: list[SchemaOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def upgrade(connection: sa.Connection, lineage: Lineage, schema: str) -> None:
    """Bring ``lineage`` to head in ``schema``, inside the caller's open transaction; from
    base, as the statements recorded the first time (datacapt.migrating.replay)."""
    _use_schema(connection, schema)
    if run_recorded(connection, lineage, schema):
        # A recording is of the lineage's heads: they need no reading back.
        record_heads(connection, lineage, schema, lineage.heads)
        return
    with recording(connection, lineage, schema):
        _run_revisions(connection, lineage, "heads", lineage.script._upgrade_revs)
    _record_current(connection, lineage, schema)


def downgrade(connection: sa.Connection, lineage: Lineage, schema: str, revision: str) -> None:
    """Take ``lineage`` down to ``revision`` in ``schema``, inside the caller's open
    transaction (tests of a revision on data; operators never go down)."""
    _use_schema(connection, schema)
    _run_revisions(connection, lineage, revision, lineage.script._downgrade_revs)
    _record_current(connection, lineage, schema)


def _use_schema(connection: sa.Connection, schema: str) -> None:
    """Revisions name no schema: their tables and raw SQL land in ``schema`` through the
    transaction-local search path (reset at commit, so it never outlives the migration)."""
    quoted = connection.dialect.identifier_preparer.quote_schema(schema)
    connection.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")


def _run_revisions(
    connection: sa.Connection, lineage: Lineage, destination: str, steps: Callable[[str, Any], Any]
) -> None:
    """Run the revisions ``steps`` gives from the schema's current ones to ``destination``."""
    with EnvironmentContext(
        lineage.config,
        lineage.script,
        fn=lambda current, _context: steps(destination, current),
        destination_rev=destination,
    ) as environment:
        environment.configure(connection=connection, version_table=lineage.version_table)
        environment.run_migrations()


def _record_current(connection: sa.Connection, lineage: Lineage, schema: str) -> None:
    record_heads(
        connection, lineage, schema, current_revisions(connection, [schema], lineage)[schema]
    )


def record_heads(
    connection: sa.Connection, lineage: Lineage, schema: str, revisions: frozenset[str]
) -> None:
    """Record ``revisions`` of ``lineage`` as applied in the tenant schema ``schema``, in the
    caller's transaction (nothing for a schema without a tenant, such as the shared one)."""
    if schema == SHARED_SCHEMA:
        return
    connection.execute(_replacing(_heads_insert(lineage, revisions, [schema])))


def record_at_head(connection: sa.Connection, schema: str, lineages: Sequence[Lineage]) -> None:
    """``record_heads`` of each of ``lineages`` at its heads, in one statement (a schema
    that arrived with them all, such as a spare taken by a tenant)."""
    given = sa.values(
        sa.column("lineage", sa.String), sa.column("revisions", _NAMES), name="given"
    ).data([(lineage.name, sorted(lineage.heads)) for lineage in lineages])
    insert = postgresql.insert(TenantHeads).from_select(
        ["tenant_id", "lineage", "revisions", "recorded_at"],
        sa.select(_TENANTS.c.id, given.c.lineage, given.c.revisions, sa.func.now())
        .select_from(_TENANTS)
        .join(given, sa.true())
        .where(_TENANTS.c.schema_name == schema),
    )
    connection.execute(_replacing(insert))


def _replacing(insert: postgresql.Insert) -> postgresql.Insert:
    """``insert`` of records of heads, replacing the ones it meets."""
    return insert.on_conflict_do_update(
        index_elements=[TenantHeads.tenant_id, TenantHeads.lineage],
        set_={"revisions": insert.excluded.revisions, "recorded_at": insert.excluded.recorded_at},
    )


def _heads_insert(
    lineage: Lineage, revisions: frozenset[str], schemas: Sequence[str]
) -> postgresql.Insert:
    """The record of ``revisions`` of ``lineage`` for the tenants of ``schemas``."""
    return postgresql.insert(TenantHeads).from_select(
        ["tenant_id", "lineage", "revisions", "recorded_at"],
        sa.select(
            _TENANTS.c.id,
            sa.literal(lineage.name),
            sa.literal(sorted(revisions), TenantHeads.revisions.type),
            sa.func.now(),
        ).where(_TENANTS.c.schema_name == sa.any_(sa.literal(list(schemas), _NAMES))),
    )


def record_unrecorded_at_head(engine: sa.Engine, plan: MigrationPlan) -> None:
    """Record the lineages never recorded (tenants migrated before the record existed) that
    their schemas' version tables show at head, 500 schemas a query, so that the first run
    does not open those tenants one by one. A record a migration wrote meanwhile is kept."""
    with engine.connect() as connection:
        recorded = recorded_heads(connection, list(plan))
    unrecorded: dict[Lineage, list[str]] = {}
    for schema, lineages in plan.items():
        for lineage in lineages:
            if (schema, lineage.name) not in recorded:
                unrecorded.setdefault(lineage, []).append(schema)
    for lineage, schemas in unrecorded.items():
        for start in range(0, len(schemas), _CHUNK):
            # A transaction per chunk: one over 10,000 version tables would run out of
            # lock slots (max_locks_per_transaction).
            with engine.begin() as connection:
                found = current_revisions(connection, schemas[start : start + _CHUNK], lineage)
                at_head = [schema for schema, revs in found.items() if revs == lineage.heads]
                if at_head:
                    insert = _heads_insert(lineage, lineage.heads, at_head)
                    connection.execute(insert.on_conflict_do_nothing())


def recorded_heads(
    connection: sa.Connection, schemas: Sequence[str]
) -> dict[tuple[str, str], frozenset[str]]:
    """The recorded revisions of each (schema, lineage name) of these tenant schemas."""
    rows = connection.execute(
        sa.select(_TENANTS.c.schema_name, TenantHeads.lineage, TenantHeads.revisions)
        .join(_TENANTS, _TENANTS.c.id == TenantHeads.tenant_id)
        .where(_TENANTS.c.schema_name == sa.any_(sa.literal(list(schemas), _NAMES)))
    )
    return {(schema, lineage): frozenset(revisions) for schema, lineage, revisions in rows}


def current_revisions(
    connection: sa.Connection, schemas: Sequence[str], lineage: Lineage
) -> dict[str, frozenset[str]]:
    """Each schema's applied revisions of ``lineage`` (empty when never migrated), in 2 queries."""
    found = connection.execute(
        sa.text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = :table AND n.nspname = ANY(:schemas)"
        ),
        {"table": lineage.version_table, "schemas": list(schemas)},
    ).scalars()
    revisions: dict[str, set[str]] = {schema: set() for schema in schemas}
    present = list(found)
    quote = connection.dialect.identifier_preparer.quote
    for start in range(0, len(present), _CHUNK):
        chunk = present[start : start + _CHUNK]
        union = " UNION ALL ".join(
            f"SELECT :s{i} AS schema_name, version_num FROM {quote(s)}.{quote(lineage.version_table)}"
            for i, s in enumerate(chunk)
        )
        params = {f"s{i}": s for i, s in enumerate(chunk)}
        statement = sa.text(union).execution_options(**{SPANS_TENANTS: True})
        for schema, version in connection.execute(statement, params):
            revisions[schema].add(version)
    return {schema: frozenset(revs) for schema, revs in revisions.items()}


MigrationPlan = Mapping[str, Sequence[Lineage]]
"""Each schema to migrate, with the lineages it carries (in the order to apply them)."""


def lineage_states(engine: sa.Engine, plan: MigrationPlan) -> dict[str, list[str]]:
    """For each schema of the plan, the names of its lineages not recorded at head.

    One query on the shared record, whatever the number of schemas and lineages.
    """
    with engine.connect() as connection:
        recorded = recorded_heads(connection, list(plan))
    return {
        schema: [
            lineage.name
            for lineage in lineages
            if recorded.get((schema, lineage.name)) != lineage.heads
        ]
        for schema, lineages in plan.items()
    }


def migrate_schema(engine: sa.Engine, schema: str, lineages: Sequence[Lineage]) -> SchemaOutcome:
    """Upgrade every lineage of one schema in one transaction under its advisory lock."""
    started = time.perf_counter()
    try:
        with engine.connect() as connection, connection.begin():
            advisory_lock(connection, schema)
            upgraded = False
            for lineage in lineages:
                # The schema's own version table decides, not the record that sent us here.
                applied = current_revisions(connection, [schema], lineage)[schema]
                if applied != lineage.heads:
                    upgrade(connection, lineage, schema)
                    upgraded = True
                else:
                    record_heads(connection, lineage, schema, applied)
    except Exception as exc:
        log.exception("Migrating schema %s failed", schema)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return SchemaOutcome(
            schema, "failed", time.perf_counter() - started, f"{type(exc).__name__}: {first_line}"
        )
    return SchemaOutcome(
        schema, "upgraded" if upgraded else "at_head", time.perf_counter() - started
    )


def migrate_shared(engine: sa.Engine) -> SchemaOutcome:
    return migrate_schema(engine, SHARED_SCHEMA, [SHARED_LINEAGE])


_child_engine: sa.Engine | None = None


def _init_child(url: str) -> None:
    global _child_engine
    _child_engine = sa.create_engine(url, poolclass=sa.NullPool)


def _migrate_in_child(schema: str, lineages: Sequence[Lineage]) -> SchemaOutcome:
    assert _child_engine is not None
    return migrate_schema(_child_engine, schema, lineages)


# How long work reports its steps: ``progress(label, total)`` gives ``advance(detail)``
# (datacapt.console.progress for a command).
Advance = Callable[[str], None]
Progress = Callable[[str, int], AbstractContextManager[Advance]]


@contextmanager
def silent(_label: str, _total: int) -> Iterator[Advance]:
    """A progress that reports nothing."""
    yield lambda _detail: None


def migrate_tenants(
    engine: sa.Engine, plan: MigrationPlan, parallel: int = 1, progress: Progress = silent
) -> MigrationReport:
    """Upgrade each tenant schema of the plan independently; one failure never stops others.

    With ``parallel`` > 1 the schemas that are behind are migrated by that many worker
    processes (Alembic's operation proxies are process-global, so not threads). Each
    schema that was behind is a step of ``progress``.
    """
    record_unrecorded_at_head(engine, plan)
    states = lineage_states(engine, plan)
    behind = [schema for schema in plan if states[schema]]
    report = MigrationReport([SchemaOutcome(s, "at_head") for s in plan if not states[s]])
    with progress("migrating tenants", len(behind)) as advance:
        if parallel <= 1 or len(behind) <= 1:
            _collect(report, (migrate_schema(engine, s, plan[s]) for s in behind), advance)
            return report
        url = engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(
            max_workers=min(parallel, len(behind)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_child,
            initargs=(url,),
        ) as pool:
            _collect(
                report, pool.map(_migrate_in_child, behind, [plan[s] for s in behind]), advance
            )
    return report


def _collect(report: MigrationReport, outcomes: Iterable[SchemaOutcome], advance: Advance) -> None:
    for outcome in outcomes:
        report.outcomes.append(outcome)
        advance(f"{outcome.schema} {outcome.status}")
