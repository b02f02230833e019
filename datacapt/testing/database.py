"""The test database: DATACAPT_TEST_DATABASE_URL, else a private embedded server under var/.
Under pytest-xdist each worker has a database of its own beside the named one. With
DATACAPT_TEST_PGBOUNCER=1 it is reached through a pgbouncer in transaction-pooling mode."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

from datacapt.config.settings import psycopg2_url
from datacapt.database import SharedModel
from datacapt.migrating.lineages import Lineage
from datacapt.migrating.runner import downgrade
from datacapt.tenancy.models import Tenant
from datacapt.testing.pgbouncer import pgbouncer_requested, through_pgbouncer

# Schemas PostgreSQL owns; every other schema in the test database is dropped at start.
_SYSTEM_SCHEMAS = ("information_schema",)


def database_url_for_tests(var_dir: Path) -> str:
    url = os.environ.get("DATACAPT_TEST_DATABASE_URL")
    if not url:
        # Only without a test database URL: the embedded server's package is heavy to load.
        from datacapt.database.embedded import embedded_database_url

        url = embedded_database_url(var_dir, "pgdata-test")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = _worker_database(url, worker)
    return through_pgbouncer(url) if pgbouncer_requested() else url


def _worker_database(url: str, worker: str) -> str:
    """The database ``<name>_<worker>`` on the server of ``url``, created when missing."""
    named = sa.engine.make_url(url)
    database = f"{named.database}_{worker}"
    engine = sa.create_engine(psycopg2_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            ).scalar()
            if not exists:
                quote = engine.dialect.identifier_preparer.quote
                connection.exec_driver_sql(f"CREATE DATABASE {quote(database)}")
    finally:
        engine.dispose()
    return named.set(database=database).render_as_string(hide_password=False)


def redis_url_for_tests() -> str | None:
    """DATACAPT_TEST_REDIS_URL; under pytest-xdist, one database number per worker,
    counting down from the named one (Redis has 16)."""
    url = os.environ.get("DATACAPT_TEST_REDIS_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number % 16}"))


def reset_database(engine: sa.Engine) -> None:
    """Drop every tenant schema and the shared tables: the test database starts empty.

    One transaction per schema: dropping hundreds of schemas at once would exceed
    PostgreSQL's lock table (max_locks_per_transaction).
    """
    with engine.connect() as connection:
        schemas = (
            connection.execute(
                sa.text(
                    "SELECT nspname FROM pg_namespace"
                    " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> ALL(:system)"
                ),
                {"system": list(_SYSTEM_SCHEMAS)},
            )
            .scalars()
            .all()
        )
    quote = engine.dialect.identifier_preparer.quote_schema
    for schema in schemas:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {quote(schema)} CASCADE")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE SCHEMA public")


def skip_commit_flush(engine: sa.Engine) -> None:
    """Commits on the test database no longer wait for the WAL to reach the disk (for the
    connections opened from now on): a crash loses only a test run, and every test commits."""
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            f"ALTER DATABASE {quote(engine.url.database or '')} SET synchronous_commit = off"
        )


def drop_tenant(engine: sa.Engine, schema_name: str) -> None:
    """Remove a test tenant completely (the product itself never deletes a tenant)."""
    tenants = Tenant.__table__
    tenant_ids = sa.select(tenants.c.id).where(tenants.c.schema_name == schema_name)
    with engine.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote_schema
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote(schema_name)} CASCADE")
        for table in reversed(SharedModel.metadata.sorted_tables):
            for fk in table.foreign_keys:
                if fk.column is tenants.c.id:
                    connection.execute(table.delete().where(fk.parent.in_(tenant_ids)))
        connection.execute(sa.delete(Tenant).where(Tenant.schema_name == schema_name))


def downgrade_lineage(engine: sa.Engine, schema: str, lineage: Lineage, revision: str) -> None:
    """Move ``lineage`` down to ``revision`` in ``schema`` (what a tenant not migrated yet
    looks like), to test a revision's upgrade and downgrade on data."""
    with engine.connect() as connection, connection.begin():
        downgrade(connection, lineage, schema, revision)
