"""The migration runner: fresh, resumed after a failure, parallel, locked, cheap at head."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from datacapt.database.locks import advisory_lock
from datacapt.migrating import Lineage, migrate_tenants, tenant_lineages
from datacapt.migrating import runner as runner_module
from datacapt.migrating.runner import migrate_schema
from tests.inspection import table_ids

FLAKY = Lineage(
    "flaky", Path(__file__).parent / "lineages" / "flaky", version_table="alembic_version_flaky"
)


def flaky_rows(engine: sa.Engine, schema: str) -> list[int] | None:
    """The rows the flaky revision inserted, or None when its table does not exist."""
    return table_ids(engine, schema, "flaky_things")


@pytest.fixture
def lineages(app):
    with app.app_context():
        return [*tenant_lineages(), FLAKY]


def plan(schemas, lineages):
    return dict.fromkeys(schemas, lineages)


@pytest.fixture
def three_tenants(tenant_factory):
    return [tenant_factory().schema_name for _ in range(3)]


@pytest.mark.requirement("A11-10")
def test_fresh_lineage_reaches_every_tenant_then_costs_nothing(
    db_engine, lineages, three_tenants, monkeypatch
):
    report = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert [o.status for o in report.outcomes] == ["upgraded"] * 3
    for schema in three_tenants:
        assert flaky_rows(db_engine, schema) == [1]

    def no_alembic(*_args, **_kwargs):
        raise AssertionError("a tenant at head must not start Alembic")

    monkeypatch.setattr(runner_module, "upgrade", no_alembic)
    again = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert [o.status for o in again.outcomes] == ["at_head"] * 3


@pytest.mark.requirement("A11-10", "E6-4.2.5")
def test_failed_tenant_is_reported_others_migrate_and_a_rerun_resumes(
    db_engine, lineages, three_tenants, monkeypatch
):
    first, failing, last = three_tenants
    monkeypatch.setenv("DATACAPT_TEST_FAIL_SCHEMAS", failing)
    report = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert not report.ok
    statuses = {o.schema: o.status for o in report.outcomes}
    assert statuses == {first: "upgraded", failing: "failed", last: "upgraded"}
    assert "injected failure" in report.failed[0].error
    assert flaky_rows(db_engine, failing) is None  # its transaction left nothing behind

    monkeypatch.delenv("DATACAPT_TEST_FAIL_SCHEMAS")
    resumed = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert resumed.ok
    assert {o.schema: o.status for o in resumed.outcomes} == {
        first: "at_head",
        failing: "upgraded",
        last: "at_head",
    }
    assert flaky_rows(db_engine, failing) == [1]


def test_parallel_workers_migrate_every_tenant_and_report_failures(
    db_engine, lineages, tenant_factory, monkeypatch
):
    schemas = [tenant_factory().schema_name for _ in range(4)]
    monkeypatch.setenv("DATACAPT_TEST_FAIL_SCHEMAS", schemas[2])
    report = migrate_tenants(db_engine, plan(schemas, lineages), parallel=2)
    assert sorted(o.schema for o in report.outcomes) == sorted(schemas)
    assert [o.schema for o in report.failed] == [schemas[2]]
    assert report.count("upgraded") == 3
    for schema in (schemas[0], schemas[1], schemas[3]):
        assert flaky_rows(db_engine, schema) == [1]


def test_a_schema_is_migrated_by_one_process_at_a_time(db_engine, lineages, tenant):
    finished = threading.Event()
    outcome = {}

    def migrate() -> None:
        outcome["result"] = migrate_schema(db_engine, tenant.schema_name, lineages)
        finished.set()

    with db_engine.connect() as holder, holder.begin():
        advisory_lock(holder, tenant.schema_name)
        worker = threading.Thread(target=migrate)
        worker.start()
        assert not finished.wait(0.5), "the migration must wait for the lock"
    worker.join(30)
    assert outcome["result"].status == "upgraded"


def test_tenant_schema_has_each_lineage_version_table(db_engine, lineages, tenant):
    migrate_tenants(db_engine, plan([tenant.schema_name], lineages))
    with db_engine.connect() as connection:
        tables = set(
            connection.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s"),
                {"s": tenant.schema_name},
            ).scalars()
        )
    assert {"alembic_version", "alembic_version_notes", "alembic_version_flaky"} <= tables
    assert {"tenant_settings", "notes", "flaky_things"} <= tables


def test_tenants_at_head_are_found_in_the_shared_record_without_reading_their_schemas(
    db_engine, lineages, three_tenants, monkeypatch
):
    migrate_tenants(db_engine, plan(three_tenants, lineages))

    def no_schema_read(*_args, **_kwargs):
        raise AssertionError("a tenant recorded at head must not have its schema read")

    monkeypatch.setattr(runner_module, "current_revisions", no_schema_read)
    again = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert [o.status for o in again.outcomes] == ["at_head"] * 3


def test_a_failed_tenant_keeps_its_record_and_an_unrecorded_one_is_checked_then_recorded(
    db_engine, lineages, three_tenants, monkeypatch
):
    first, failing, unrecorded = three_tenants
    monkeypatch.setenv("DATACAPT_TEST_FAIL_SCHEMAS", failing)
    migrate_tenants(db_engine, plan(three_tenants, lineages))
    monkeypatch.delenv("DATACAPT_TEST_FAIL_SCHEMAS")
    states = runner_module.lineage_states(db_engine, plan(three_tenants, lineages))
    assert states == {first: [], failing: ["flaky"], unrecorded: []}

    # A tenant migrated before the record existed: at head in its schema, with no record.
    with db_engine.begin() as connection:
        connection.execute(
            sa.text(
                "DELETE FROM tenant_heads WHERE tenant_id ="
                " (SELECT id FROM tenants WHERE schema_name = :schema)"
            ),
            {"schema": unrecorded},
        )
    states = runner_module.lineage_states(db_engine, plan(three_tenants, lineages))
    assert states[unrecorded] == [lineage.name for lineage in lineages]

    report = migrate_tenants(db_engine, plan(three_tenants, lineages))
    assert {o.schema: o.status for o in report.outcomes} == {
        first: "at_head",
        failing: "upgraded",
        unrecorded: "at_head",  # checked against its version tables, nothing re-run
    }
    assert flaky_rows(db_engine, unrecorded) == [1]
    assert runner_module.lineage_states(db_engine, plan(three_tenants, lineages)) == {
        first: [],
        failing: [],
        unrecorded: [],
    }
