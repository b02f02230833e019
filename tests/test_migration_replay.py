"""Lineages run from base as the statements recorded the first time: the schema, its seeds
and its versions are those Alembic gives, with values the server generates for each."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.migrating import replay, tenant_lineages
from datacapt.migrating import runner as runner_module
from datacapt.plugins.services import plugin_set

# Columns whose values differ by nature between two schemas (generated, or the time).
VOLATILE = ("uuid", "created_at", "modified_at")

CATALOG = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable,
               replace(coalesce(column_default, ''), :schema || '.', ''),
               character_maximum_length, numeric_precision, is_identity
        FROM information_schema.columns WHERE table_schema = :schema""",
    "constraints": """
        SELECT (SELECT relname FROM pg_class WHERE oid = c.conrelid), conname, contype,
               replace(pg_get_constraintdef(c.oid), :schema || '.', '')
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = :schema""",
    "indexes": """
        SELECT tablename, indexname, replace(indexdef, :schema || '.', '')
        FROM pg_indexes WHERE schemaname = :schema""",
    "functions": """
        SELECT proname, pg_get_function_arguments(p.oid), prosrc,
               replace(proconfig::text, :schema, '<schema>')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema""",
    "triggers": """
        SELECT c.relname, tgname,
               replace(pg_get_triggerdef(t.oid), :schema || '.', '')
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND NOT t.tgisinternal""",
    "views": """
        SELECT viewname, replace(definition, :schema || '.', '')
        FROM pg_views WHERE schemaname = :schema""",
    "sequences": """
        SELECT sequencename, data_type::text, start_value, increment_by, last_value
        FROM pg_sequences WHERE schemaname = :schema""",
}


def described(engine: sa.Engine, schema: str) -> dict[str, Any]:
    """The schema's catalog and rows, its own name left out; audit records counted only
    (each tells its time and its chain)."""
    with engine.connect() as connection:
        found: dict[str, Any] = {
            kind: sorted(
                tuple(map(str, row)) for row in connection.execute(sa.text(sql), {"schema": schema})
            )
            for kind, sql in CATALOG.items()
        }
        tables = connection.execute(
            sa.text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = :schema AND table_type = 'BASE TABLE'"
            ),
            {"schema": schema},
        ).scalars()
        quote = connection.dialect.identifier_preparer.quote
        drop = " - ".join(f"'{column}'" for column in VOLATILE)
        for table in tables:
            qualified = f"{quote(schema)}.{quote(table)}"
            if table == "audit_records":
                rows: Any = connection.execute(
                    sa.text(f"SELECT count(*) FROM {qualified}")
                ).scalar()
            else:
                rows = sorted(
                    connection.execute(
                        sa.text(f"SELECT (to_jsonb(t) - {drop})::text FROM {qualified} t")
                    ).scalars()
                )
            found[f"rows of {table}"] = rows
    return found


def role_uuids(engine: sa.Engine, schema: str) -> set[str]:
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        return set(
            connection.execute(sa.text(f"SELECT uuid::text FROM {quote(schema)}.roles")).scalars()
        )


@pytest.fixture
def every_plugin(app) -> list[str]:
    with app.app_context():
        return list(plugin_set().plugins)


def test_a_replayed_tenant_is_the_migrated_one(
    app, db_engine, tenant_factory, enable_plugins, every_plugin, monkeypatch
):
    monkeypatch.setattr(replay, "_RECORDINGS", {})  # nothing recorded yet in this process
    migrated = tenant_factory()
    enable_plugins(migrated, *every_plugin)
    recorded = len(replay._RECORDINGS)
    assert recorded > len(every_plugin) // 2, "the lineages from base were recorded"

    alembic_runs: list[str] = []
    run_revisions = runner_module._run_revisions

    def counted(connection, lineage, *args):
        alembic_runs.append(lineage.name)
        return run_revisions(connection, lineage, *args)

    monkeypatch.setattr(runner_module, "_run_revisions", counted)
    replayed = tenant_factory()
    enable_plugins(replayed, *every_plugin)

    assert alembic_runs == [], "every lineage ran from its recording"
    assert described(db_engine, replayed.schema_name) == described(db_engine, migrated.schema_name)
    # Generated by the server in each schema: never the recorded run's values.
    assert role_uuids(db_engine, migrated.schema_name).isdisjoint(
        role_uuids(db_engine, replayed.schema_name)
    )


def test_a_recording_that_read_rows_runs_only_in_an_empty_schema(
    app, db_engine, tenant_factory, monkeypatch
):
    """The core lineage's case-clash check reads rows: its statements hold for a schema as
    empty as the one recorded, not for one that has tables already."""
    monkeypatch.setattr(replay, "_RECORDINGS", {})
    tenant = tenant_factory()
    with app.app_context():
        core = tenant_lineages()[0]
    assert replay._RECORDINGS[replay._key(core)].empty_schema_only
    with db_engine.begin() as connection:
        assert not replay.run_recorded(connection, core, tenant.schema_name)
