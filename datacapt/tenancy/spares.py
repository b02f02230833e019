"""Spare tenant schemas: built ahead of need, taken by a tenant creation.

A tenant schema with every module takes hundreds of DDL statements, most of a second of
the database's time. An operator keeps spares built in advance (`flask tenants spares
fill`, from cron or after a deployment); creating a tenant whose lineages are a spare's, at
the same heads, renames that spare to the tenant's schema in the creation's transaction
instead of running them. With no such spare left, the creation runs the lineages as before.

A spare names no tenant: its lineages' heads are kept beside it (``spare_schemas``) and
recorded for the tenant that takes it. Renaming a schema keeps everything PostgreSQL binds
by object id (tables, sequences, defaults, triggers, constraints); the one thing bound by
name is the search path a tenant revision's function took ``FROM CURRENT``, the schema
alone (the runner's transaction-local search path), re-pointed to the new name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from datacapt.database import db, utcnow
from datacapt.migrating import Lineage, record_at_head, upgrade
from datacapt.tenancy.models import SpareSchema

SPARE_PREFIX = "spare_"


def lineage_heads(lineages: Iterable[Lineage]) -> dict[str, list[str]]:
    """What a spare records and a claim matches: each lineage's heads, by lineage name."""
    return {lineage.name: sorted(lineage.heads) for lineage in lineages}


def build_spare(lineages: Sequence[Lineage]) -> str:
    """Build one spare schema with ``lineages`` at head, in a transaction of its own."""
    schema = f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}"
    with db.engine.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
        for lineage in lineages:
            upgrade(connection, lineage, schema)
        connection.execute(
            sa.insert(SpareSchema).values(
                schema_name=schema, lineages=lineage_heads(lineages), created_at=utcnow()
            )
        )
    return schema


def claim_spare(connection: sa.Connection, lineages: Sequence[Lineage], schema_name: str) -> bool:
    """Rename a spare with exactly ``lineages`` at their heads to ``schema_name`` and record
    those heads for its tenant (whose row the transaction holds), in the caller's
    transaction; False when no such spare is left. Concurrent claims take different ones."""
    wanted = lineage_heads(lineages)
    one_free = (
        sa.select(SpareSchema.schema_name)
        .where(SpareSchema.lineages == sa.cast(wanted, SpareSchema.lineages.type))
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    spare = connection.execute(
        sa.delete(SpareSchema)
        .where(SpareSchema.schema_name == one_free)
        .returning(SpareSchema.schema_name)
    ).scalar_one_or_none()
    if spare is None:
        return False
    quote = connection.dialect.identifier_preparer.quote_schema
    connection.exec_driver_sql(f"ALTER SCHEMA {quote(spare)} RENAME TO {quote(schema_name)}")
    functions = connection.execute(
        sa.text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " WHERE p.pronamespace = to_regnamespace(:schema)"
            " AND EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')"
        ),
        {"schema": quote(schema_name)},
    ).scalars()
    for function in list(functions):
        connection.exec_driver_sql(
            f"ALTER FUNCTION {function} SET search_path = {quote(schema_name)}"
        )
    record_at_head(connection, schema_name, lineages)
    return True


@dataclass(frozen=True)
class SpareSet:
    """The spares of one set of lineages (``fresh``: at the heads the code has now)."""

    lineages: dict[str, list[str]]
    count: int
    fresh: bool


def spare_sets(known: Iterable[Lineage]) -> list[SpareSet]:
    """Spares by lineage set; a set is stale when a lineage is unknown or has moved on."""
    current = lineage_heads(known)
    counts = db.session.execute(
        sa.select(SpareSchema.lineages, sa.func.count()).group_by(SpareSchema.lineages)
    ).all()
    return [
        SpareSet(dict(heads), count, _fresh(heads, current))
        for heads, count in sorted(counts, key=lambda row: sorted(row[0]))
    ]


def drop_stale_spares(known: Iterable[Lineage]) -> int:
    """Drop the spares no creation can take any more (after a deployment moved a lineage
    on); returns how many. Each goes in a transaction of its own, as a tenant's would."""
    current = lineage_heads(known)
    with db.engine.connect() as connection:
        rows = connection.execute(sa.select(SpareSchema.schema_name, SpareSchema.lineages)).all()
    quote = db.engine.dialect.identifier_preparer.quote_schema
    stale = [schema for schema, heads in rows if not _fresh(heads, current)]
    for schema in stale:
        with db.engine.begin() as connection:
            connection.execute(sa.delete(SpareSchema).where(SpareSchema.schema_name == schema))
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
    return len(stale)


def fill_spares(lineages: Sequence[Lineage], count: int) -> list[str]:
    """Build spares of ``lineages`` until ``count`` of them wait; returns the new ones."""
    return [build_spare(lineages) for _ in range(max(count - count_spares(lineages), 0))]


def count_spares(lineages: Sequence[Lineage]) -> int:
    """How many spares ``lineages`` at their heads could take now."""
    wanted = lineage_heads(lineages)
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(SpareSchema)
        .where(SpareSchema.lineages == sa.cast(wanted, SpareSchema.lineages.type))
    ).scalar_one()


def _fresh(heads: Mapping[str, list[str]], current: Mapping[str, list[str]]) -> bool:
    return all(current.get(name) == sorted(revisions) for name, revisions in heads.items())
