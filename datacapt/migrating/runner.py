"""Upgrades the shared schema and each tenant schema, each in its own transaction and lock.

A tenant already at head costs one catalog query shared by all tenants: the runner reads
every tenant's version table in a single statement and starts Alembic only for the
schemas that are behind.
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

from datacapt.database import SHARED_SCHEMA
from datacapt.database.locks import advisory_lock
from datacapt.database.session import SPANS_TENANTS
from datacapt.migrating.lineages import SHARED_LINEAGE, Lineage

log = logging.getLogger(__name__)


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
    """Bring ``lineage`` to head in ``schema``, inside the caller's open transaction."""
    _run_revisions(connection, lineage, schema, "heads", lineage.script._upgrade_revs)


def downgrade(connection: sa.Connection, lineage: Lineage, schema: str, revision: str) -> None:
    """Take ``lineage`` down to ``revision`` in ``schema``, inside the caller's open
    transaction (tests of a revision on data; operators never go down)."""
    _run_revisions(connection, lineage, schema, revision, lineage.script._downgrade_revs)


def _run_revisions(
    connection: sa.Connection,
    lineage: Lineage,
    schema: str,
    destination: str,
    steps: Callable[[str, Any], Any],
) -> None:
    """Run the revisions ``steps`` gives from the schema's current ones to ``destination``.

    Schema-less tables in revisions land in ``schema`` through the translate map; the
    transaction-local search_path (reset at commit) does the same for raw SQL in revisions.
    """
    translated = connection.execution_options(schema_translate_map={None: schema})
    quoted = connection.dialect.identifier_preparer.quote_schema(schema)
    translated.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")
    with EnvironmentContext(
        lineage.config,
        lineage.script,
        fn=lambda current, _context: steps(destination, current),
        destination_rev=destination,
    ) as environment:
        environment.configure(
            connection=translated,
            version_table=lineage.version_table,
            version_table_schema=schema,
        )
        environment.run_migrations()


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
    for start in range(0, len(present), 500):
        chunk = present[start : start + 500]
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
    """For each schema of the plan, the names of its lineages that are not at head.

    Two catalog queries per distinct lineage, whatever the number of schemas.
    """
    by_lineage: dict[Lineage, list[str]] = {}
    for schema, lineages in plan.items():
        for lineage in lineages:
            by_lineage.setdefault(lineage, []).append(schema)
    behind: dict[str, list[str]] = {schema: [] for schema in plan}
    with engine.connect() as connection:
        for lineage, schemas in by_lineage.items():
            for schema, revisions in current_revisions(connection, schemas, lineage).items():
                if revisions != lineage.heads:
                    behind[schema].append(lineage.name)
    return behind


def migrate_schema(engine: sa.Engine, schema: str, lineages: Sequence[Lineage]) -> SchemaOutcome:
    """Upgrade every lineage of one schema in one transaction under its advisory lock."""
    started = time.perf_counter()
    try:
        with engine.connect() as connection, connection.begin():
            advisory_lock(connection, schema)
            upgraded = False
            for lineage in lineages:
                applied = current_revisions(connection, [schema], lineage)[schema]
                if applied != lineage.heads:
                    upgrade(connection, lineage, schema)
                    upgraded = True
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
