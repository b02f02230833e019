"""Memory of a pooled database connection after it served many tenant schemas.

Creates N tenants, then one pooled connection reads every table of each tenant in turn
(the worst a long-lived worker's connection meets), and reports its backend's memory
(pg_backend_memory_contexts, PostgreSQL 14+: all contexts, and the catalog caches) in the
same run:

- baseline: a fresh connection that served no tenant schema;
- unbounded: DATACAPT_DB_CONNECTION_MAX_SCHEMAS=0, the connection served all N;
- bounded: the setting at --max-schemas, the connection replaced past it.

    python bench/connection_memory.py --tenants 60 --max-schemas 10
"""

from __future__ import annotations

import argparse

from _support import bench_app, bench_database_url, create_bench_tenants, emit

MEMORY = (
    "SELECT pg_backend_pid(), sum(total_bytes),"
    " sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext'"
    " OR parent = 'CacheMemoryContext')"
    " FROM pg_backend_memory_contexts"
)


def visit_every_table(schemas: list[str]) -> None:
    """Each tenant in turn: every table of its schema read once, through its session."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context

    for schema in schemas:
        with tenant_context(schema):
            tables = db.session.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"),
                {"schema": schema},
            ).scalars()
            for table in list(tables):
                db.session.execute(sa.text(f'SELECT * FROM "{schema}"."{table}" LIMIT 0'))


def backend_memory() -> tuple[int, float, float]:
    """The pooled connection's backend: pid, MB in all memory contexts, MB in catalog caches."""
    from datacapt.database import db

    with db.engine.connect() as connection:
        pid, total, cache = connection.exec_driver_sql(MEMORY).one()
    return pid, round(float(total) / 2**20, 2), round(float(cache or 0) / 2**20, 2)


def served(url: str, schemas: list[str], max_schemas: int) -> dict[str, float]:
    from datacapt.app import create_app
    from datacapt.config import Settings

    app = create_app(
        Settings(
            env="development",
            database_url=url,
            log_level="WARNING",
            db_pool_size=1,
            db_connection_max_schemas=max_schemas,
        )
    )
    with app.app_context():
        first_pid = backend_memory()[0]
        visit_every_table(schemas)
        pid, total, cache = backend_memory()
    return {"mb": total, "cache_mb": cache, "replaced": pid != first_pid}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=60)
    parser.add_argument("--max-schemas", type=int, default=10)
    args = parser.parse_args()

    from datacapt.database import db
    from datacapt.testing.database import reset_database

    url = bench_database_url()
    app = bench_app(url)
    with app.app_context():
        schemas = create_bench_tenants(args.tenants)
    fresh = served(url, [], 0)
    unbounded = served(url, schemas, 0)
    bounded = served(url, schemas, args.max_schemas)
    with app.app_context():
        reset_database(db.engine)
    emit(
        {
            "tenants": args.tenants,
            "max_schemas": args.max_schemas,
            "baseline_fresh_mb": fresh["mb"],
            "baseline_fresh_cache_mb": fresh["cache_mb"],
            "unbounded_mb": unbounded["mb"],
            "unbounded_cache_mb": unbounded["cache_mb"],
            "bounded_mb": bounded["mb"],
            "bounded_cache_mb": bounded["cache_mb"],
            "bounded_connection_replaced": bounded["replaced"],
            "unbounded_vs_fresh_ratio": round(unbounded["mb"] / fresh["mb"], 2),
            "bounded_vs_fresh_ratio": round(bounded["mb"] / fresh["mb"], 2),
        }
    )


if __name__ == "__main__":
    main()
