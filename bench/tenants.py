"""`flask tenants migrate` with every tenant at head, at scale.

Makes N tenants whose schemas hold their version tables stamped at head (what the at-head
check reads; made in seconds, where migrating 10,000 full schemas would take hours), then
times, in the same run:

- the baseline: reading every schema's version table in catalog-driven UNION queries (the
  check the runner made before tenants' heads were recorded in the shared schema);
- `flask tenants migrate`, a first time (it checks the unrecorded tenants' version tables,
  500 a query, and records their heads) and a second time (every tenant recorded at head);
- the command's start-up alone (`flask tenants --help`), which the machine's load inflates,
  and the second run's work in process (tenants listed, their plan, the runner).

    python bench/tenants.py --tenants 10000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _support import ROOT, bench_app, bench_database_url, emit

CHUNK = 500


def stamp_tenants(count: int) -> list[str]:
    """``count`` tenants whose schemas hold only the core version table, at head."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.migrating import CORE_TENANT_LINEAGE
    from datacapt.tenancy.models import Domain, Tenant

    schemas = [f"bench_{i:05d}" for i in range(count)]
    (head,) = CORE_TENANT_LINEAGE.heads
    table = CORE_TENANT_LINEAGE.version_table
    with db.engine.begin() as connection:
        ids = connection.execute(
            sa.insert(Tenant).returning(Tenant.id, sort_by_parameter_order=True),
            [{"schema_name": s, "name": f"Bench {s}", "status": "active"} for s in schemas],
        ).scalars()
        connection.execute(
            sa.insert(Domain),
            [
                {"domain": f"{s.replace('_', '-')}.bench", "tenant_id": i, "is_primary": True}
                for s, i in zip(schemas, ids, strict=True)
            ],
        )
    for start in range(0, count, CHUNK):  # a transaction each: locks are per transaction
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "".join(
                    f"CREATE SCHEMA {s}; CREATE TABLE {s}.{table}"
                    f" (version_num varchar(32) PRIMARY KEY);"
                    f" INSERT INTO {s}.{table} VALUES ('{head}');"
                    for s in schemas[start : start + CHUNK]
                )
            )
    return schemas


def union_check_seconds(schemas: list[str]) -> float:
    """The baseline: every schema's version table read through the catalog, 500 a query."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.migrating import CORE_TENANT_LINEAGE

    table = CORE_TENANT_LINEAGE.version_table
    started = time.perf_counter()
    with db.engine.connect() as connection:
        present = connection.execute(
            sa.text(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relname = :table AND n.nspname = ANY(:schemas)"
            ),
            {"table": table, "schemas": schemas},
        ).scalars()
        found = list(present)
        for start in range(0, len(found), CHUNK):
            # A transaction each: one over 10,000 tables runs out of lock slots.
            connection.rollback()
            union = " UNION ALL ".join(
                f"SELECT '{s}' AS schema_name, version_num FROM {s}.{table}"
                for s in found[start : start + CHUNK]
            )
            connection.exec_driver_sql(union).all()
    return time.perf_counter() - started


def command_seconds(url: str, command: str) -> tuple[float, str]:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tenants", command],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def runner_at_head_seconds() -> float:
    """What the command does once started: list the tenants, plan, find them at head."""
    from datacapt.database import db
    from datacapt.migrating import migrate_tenants
    from datacapt.tenancy.services import lineage_plan, tenant_refs

    started = time.perf_counter()
    plan = lineage_plan(tenant_refs(None))
    db.session.remove()
    report = migrate_tenants(db.engine, plan)
    assert report.count("at_head") == len(plan), "every tenant should be at head"
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=10_000)
    args = parser.parse_args()

    from datacapt.database import db
    from datacapt.testing.database import reset_database

    url = bench_database_url()
    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        schemas = stamp_tenants(args.tenants)
        stamp_seconds = time.perf_counter() - started
        baseline = union_check_seconds(schemas)
    first, first_line = command_seconds(url, "migrate")
    second, second_line = command_seconds(url, "migrate")
    startup, _help = command_seconds(url, "--help")
    print(first_line, second_line, sep="\n", file=sys.stderr)
    with app.app_context():
        in_process = runner_at_head_seconds()
        reset_database(db.engine)
    emit(
        {
            "tenants": args.tenants,
            "stamp_seconds": round(stamp_seconds, 2),
            "baseline_union_check_seconds": round(baseline, 3),
            "migrate_first_command_seconds": round(first, 3),
            "migrate_at_head_command_seconds": round(second, 3),
            "startup_only_command_seconds": round(startup, 3),
            "migrate_at_head_in_process_seconds": round(in_process, 3),
            "in_process_vs_union_check_ratio": round(in_process / baseline, 3),
        }
    )


if __name__ == "__main__":
    main()
