"""Spare tenant schemas: built ahead by `flask tenants spares fill`, taken by a tenant
creation with the same lineages at the same heads, renamed, and then exactly a tenant
built the long way (datacapt.tenancy.spares)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from datacapt.database import db
from datacapt.plugins.provisioning import tenant_lineages_with
from datacapt.tenancy.spares import SPARE_PREFIX, build_spare, claim_spare, lineage_heads
from datacapt.testing.database import drop_tenant
from tests.test_migration_replay import described

# Monitoring brings subjects and ecrf with it: four lineages with the core's.
PLUGINS = ("monitoring",)


def spares(engine: sa.Engine) -> list[tuple[str, dict[str, list[str]]]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text("SELECT schema_name, lineages FROM public.spare_schemas ORDER BY 1")
            )
        ]


def schema_exists(engine: sa.Engine, schema: str) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
            ).scalar()
        )


@pytest.fixture
def cli(app, db_engine, operator) -> Iterator:
    """Invoke as the operator; every tenant created and every spare left is dropped after."""
    runner = app.test_cli_runner()
    created: list[str] = []

    def invoke(*args: str, schema: str | None = None):
        if schema:
            created.append(schema)
        return runner.invoke(
            args=list(args),
            env={"DATACAPT_OPERATOR": operator.email},
            input=f"{operator.password}\n",
        )

    yield invoke
    for schema in created:
        drop_tenant(db_engine, schema)
    for schema, _ in spares(db_engine):
        with db_engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            connection.execute(
                sa.text("DELETE FROM public.spare_schemas WHERE schema_name = :s"), {"s": schema}
            )


def create(cli, schema: str, *options: str):
    return cli(
        "tenants", "create", schema, "--name", schema, "--domain", f"{schema.replace('_', '-')}.test", *options,
        schema=schema,
    )  # fmt: skip


def test_a_tenant_takes_a_spare_and_is_the_tenant_built_the_long_way(
    cli, app, db_engine, client_for, client_as, make_study
):
    filled = cli("tenants", "spares", "fill", "--count", "2", "--plugin", "monitoring")
    assert filled.exit_code == 0, filled.output
    assert "Built 2 spare(s) for core, monitoring" in filled.output
    waiting = spares(db_engine)
    assert len(waiting) == 2 and all(name.startswith(SPARE_PREFIX) for name, _ in waiting)
    with app.app_context():
        assert waiting[0][1] == lineage_heads(tenant_lineages_with(PLUGINS))
    again = cli("tenants", "spares", "fill", "--count", "2", "--plugin", "monitoring")
    assert "Built 0 spare(s)" in again.output, "filling is up to the count, not by it"

    taken = create(cli, "from_spare", "--plugin", "monitoring")
    assert taken.exit_code == 0, taken.output
    assert "Created tenant from_spare" in taken.output and "with monitoring" in taken.output
    left = spares(db_engine)
    assert len(left) == 1 and left[0][0] in {name for name, _ in waiting}
    assert not any(schema_exists(db_engine, name) for name, _ in waiting if name != left[0][0])

    assert create(cli, "second", "--plugin", "monitoring").exit_code == 0
    assert spares(db_engine) == []
    assert cli("tenants", "spares", "fill", "--count", "1").exit_code == 0  # the core alone
    (core_only,) = spares(db_engine)
    built = create(cli, "built", "--plugin", "monitoring")
    assert built.exit_code == 0, built.output
    assert spares(db_engine) == [core_only], "no spare of its lineages: built the long way"

    assert described(db_engine, "from_spare") == described(db_engine, "built")
    listing = cli("tenants", "list")
    line = next(ln for ln in listing.output.splitlines() if ln.startswith("from_spare"))
    assert "at head" in line

    # It serves: an audited write goes through the chain function, re-pointed at the new name.
    from datacapt.tenancy.services import get_tenant

    with app.app_context():
        tenant = get_tenant("from_spare")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR")
    subject = manager.post(
        "/api/subjects/", json={"center": study.centers["PAR"]}, headers=study.headers
    )
    assert subject.status_code == 201, subject.json
    verified = cli("audit", "verify", "--tenant", "from_spare")
    assert verified.exit_code == 0, verified.output
    with db_engine.connect() as connection:
        configs = (
            connection.execute(
                sa.text(
                    "SELECT proconfig FROM pg_proc WHERE pronamespace = 'from_spare'::regnamespace"
                    " AND proconfig IS NOT NULL"
                )
            )
            .scalars()
            .all()
        )
    assert configs and all(config == ["search_path=from_spare"] for config in configs)


def test_a_stale_spare_is_never_taken_and_the_next_fill_drops_it(cli, app, db_engine):
    assert cli("tenants", "spares", "fill", "--count", "1").exit_code == 0
    ((stale, heads),) = spares(db_engine)
    core = next(iter(heads))
    with db_engine.begin() as connection:  # as if built by code whose core was one behind
        connection.execute(
            sa.text(
                "UPDATE public.spare_schemas SET lineages = jsonb_set(lineages, :path,"
                " '[\"0001_before\"]') WHERE schema_name = :s"
            ),
            {"path": [core], "s": stale},
        )
    listing = cli("tenants", "spares", "list", "--json")
    assert '"fresh": false' in listing.output

    created = create(cli, "not_stale")
    assert created.exit_code == 0, created.output
    assert schema_exists(db_engine, stale) and [s for s, _ in spares(db_engine)] == [stale]

    refill = cli("tenants", "spares", "fill", "--count", "1")
    assert "Dropped 1 stale spare(s)" in refill.output and "Built 1 spare(s)" in refill.output
    assert not schema_exists(db_engine, stale)


def test_two_creations_at_once_take_two_spares(cli, app, db_engine):
    with app.app_context():
        lineages = tenant_lineages_with([])
        first, second = build_spare(lineages), build_spare(lineages)
        db.session.remove()
    with db_engine.connect() as one, db_engine.connect() as two, one.begin(), two.begin():
        assert claim_spare(one, lineages, "claim_one")
        assert claim_spare(two, lineages, "claim_two"), "the first's lock is skipped"
        with db_engine.connect() as three:
            assert not claim_spare(three, lineages, "claim_three")
            three.rollback()
    assert schema_exists(db_engine, "claim_one") and schema_exists(db_engine, "claim_two")
    assert not schema_exists(db_engine, first) and not schema_exists(db_engine, second)
    for schema in ("claim_one", "claim_two"):
        drop_tenant(db_engine, schema)


def test_a_tenant_with_plugins_needs_an_operator(app, db_engine):
    anonymous = app.test_cli_runner().invoke(
        args=["tenants", "create", "anon", "--name", "A", "--domain", "anon.test",
              "--plugin", "monitoring"]
    )  # fmt: skip
    assert anonymous.exit_code != 0 and "--operator" in anonymous.output
    assert not schema_exists(db_engine, "anon")


def test_an_unknown_plugin_creates_nothing(cli, db_engine):
    unknown = create(cli, "unknown_module", "--plugin", "no_such_module")
    assert unknown.exit_code == 1 and "no_such_module" in unknown.output
    assert not schema_exists(db_engine, "unknown_module")
