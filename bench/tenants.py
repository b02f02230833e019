"""Tenant creation and no-op migration at scale.

Creates N tenants, then measures `flask tenants migrate` with every tenant already at head,
against the same run's baseline: starting Alembic for every tenant, as a runner without the
single-query check would (what django-tenants does on each `migrate_schemas`).

    python bench/tenants.py --tenants 200
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _support import ROOT, bench_app, bench_database_url, create_bench_tenants, emit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=200)
    args = parser.parse_args()

    from datacapt.database import db
    from datacapt.migrating import migrate_tenants, tenant_lineages, upgrade
    from datacapt.testing.database import reset_database

    url = bench_database_url()
    app = bench_app(url)
    with app.app_context():
        lineages = tenant_lineages()
        started = time.perf_counter()
        schemas = create_bench_tenants(args.tenants)
        create_seconds = time.perf_counter() - started

        started = time.perf_counter()
        report = migrate_tenants(db.engine, dict.fromkeys(schemas, lineages))
        runner_seconds = time.perf_counter() - started
        assert report.count("at_head") == len(schemas), "every tenant should be at head"

        # Baseline: an Alembic environment per tenant, each finding nothing to do.
        started = time.perf_counter()
        for schema in schemas:
            with db.engine.connect() as connection, connection.begin():
                for lineage in lineages:
                    upgrade(connection, lineage, schema)
        baseline_seconds = time.perf_counter() - started

    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tenants", "migrate"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    command_seconds = time.perf_counter() - started

    with app.app_context():
        reset_database(db.engine)

    emit(
        {
            "tenants": args.tenants,
            "create_seconds_per_tenant": round(create_seconds / args.tenants, 4),
            "migrate_at_head_command_seconds": round(command_seconds, 3),
            "migrate_at_head_runner_seconds": round(runner_seconds, 3),
            "baseline_alembic_per_tenant_seconds": round(baseline_seconds, 3),
            "runner_vs_baseline_ratio": round(runner_seconds / baseline_seconds, 4),
        }
    )


if __name__ == "__main__":
    main()
