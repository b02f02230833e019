"""Connections shared between tenants (pgbouncer's transaction pooling, as in CI) carry no
tenant from one transaction to the next, and no transaction spans two tenant schemas."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from datacapt.database import db
from datacapt.tenancy import tenant_context
from datacapt.tenancy.context import TenantRef
from datacapt.testing.client import TenantClient
from datacapt.testing.pgbouncer import pgbouncer_requested
from datacapt.testing.schema_crossings import SchemaCrossings
from tests.notes_app import Note

ROUNDS = 40


class StatementLog:
    """Every statement each thread ran on ``engine``, with the schema the server connection
    resolved unqualified names to when it ran (current_schema())."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.by_thread: dict[int, list[tuple[str, str]]] = {}

    def __enter__(self) -> StatementLog:
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        # A cursor of its own on the same server connection and transaction: the events
        # of the statement being logged are not disturbed.
        with cursor.connection.cursor() as probe:
            probe.execute("SELECT current_schema()")
            (schema,) = probe.fetchone()
        self.by_thread.setdefault(threading.get_ident(), []).append((statement, schema))


def _work(app: Flask, client: TenantClient, own: TenantRef, other: TenantRef) -> None:
    """Interleaved writes and reads through the API, and raw SQL under a transaction-local
    search path (as migrations run), each answer checked against this tenant."""
    written: list[str] = []
    for round_ in range(ROUNDS):
        text = f"{own.schema_name}-{round_}"
        created: Any = client.post("/api/notes/", json={"text": text})
        assert created.status_code == 201, created.json
        written.append(text)
        read: Any = client.get(f"/api/notes/{created.json['uuid']}")
        assert read.status_code == 200 and read.json["text"] == text, read.json
        if round_ % 8 == 7:
            listed: Any = client.get("/api/notes/", query_string={"page_size": 100})
            assert [note["text"] for note in listed.json] == written, listed.json
        if round_ % 10 == 9:
            with app.app_context(), tenant_context(own), db.engine.begin() as connection:
                quoted = connection.dialect.identifier_preparer.quote_schema(own.schema_name)
                connection.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")
                count = connection.exec_driver_sql("SELECT count(*) FROM notes").scalar_one()
                assert count == len(written)
    assert other.schema_name not in "".join(written)


@pytest.mark.requirement("A11-7", "E6-4.3.3", "GDPR-32")
def test_two_tenants_interleaved_on_shared_connections_never_cross(
    app: Flask,
    client_for: Callable[[TenantRef], TenantClient],
    tenant: TenantRef,
    other_tenant: TenantRef,
) -> None:
    pairs = [(tenant, other_tenant), (other_tenant, tenant)]
    failures: list[BaseException] = []
    threads: dict[int, tuple[TenantRef, TenantRef]] = {}

    def run(own: TenantRef, other: TenantRef) -> None:
        threads[threading.get_ident()] = (own, other)
        try:
            _work(app, client_for(own), own, other)
        except BaseException as failure:  # reported by the test's thread
            failures.append(failure)

    with app.app_context():
        engine = db.engine
    with StatementLog(engine) as log:
        workers = [threading.Thread(target=run, args=pair) for pair in pairs]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if failures:
        raise failures[0]

    for ident, (own, other) in threads.items():
        statements = log.by_thread[ident]
        assert len(statements) >= ROUNDS * 2
        for statement, schema in statements:
            assert other.schema_name not in statement, statement
            # Only this thread's own SET LOCAL moves the search path, for its transaction.
            assert schema in ("public", own.schema_name), (schema, statement)
        assert any(own.schema_name in statement for statement, _ in statements)
    for own, _ in pairs:
        with app.app_context(), tenant_context(own):
            texts = db.session.execute(sa.select(Note.text)).scalars().all()
        assert sorted(texts) == sorted(f"{own.schema_name}-{n}" for n in range(ROUNDS))


def test_a_transaction_touching_two_tenant_schemas_is_caught(
    app: Flask, tenant: TenantRef, other_tenant: TenantRef, schema_crossings: SchemaCrossings
) -> None:
    with app.app_context():
        for each in (tenant, other_tenant):  # one transaction per tenant: no crossing
            with tenant_context(each):
                db.session.execute(sa.select(Note.id)).all()
        assert schema_crossings.take() == []
        with db.engine.begin() as connection:
            for schema in (tenant.schema_name, other_tenant.schema_name):
                notes = Note.__table__.to_metadata(sa.MetaData(), schema=schema)
                connection.execute(sa.select(sa.func.count()).select_from(notes))
    caught = schema_crossings.take()  # taken here, so the check over every test passes
    assert len(caught) == 1
    assert tenant.schema_name in caught[0] and other_tenant.schema_name in caught[0]


@pytest.mark.skipif(not pgbouncer_requested(), reason="DATACAPT_TEST_PGBOUNCER is not set")
def test_the_suite_reaches_postgresql_through_pgbouncer(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        server_port = connection.exec_driver_sql("SELECT inet_server_port()").scalar_one()
        assert db.engine.url.port != server_port
