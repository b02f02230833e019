"""The request path's round trips: a study-scoped read authenticates and enters its study in
one statement, a call of the tenant schema's access function (whose plan each database
connection keeps), sent outside any database transaction (no BEGIN, no COMMIT); what a request
does after it runs in one transaction as before; and pooled connections are pinged only
after sitting idle, which still survives a database restart."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import event

from datacapt.database import db
from datacapt.database.liveness import ping_idle_connections
from datacapt.identity.models import AuthToken
from datacapt.identity.secrets import digest
from datacapt.identity.sessions import SESSION_OF
from datacapt.studies.context import SESSION_IN_STUDY
from datacapt.tenancy import tenant_context
from datacapt.testing.pgbouncer import direct_url, drop_client_connections


def _backends_of(engine: sa.Engine) -> Callable[[], None]:
    """Record the backends ``engine`` opens from now on; the returned function terminates
    them from another connection, as a restart does (the test kit's own are spared)."""
    pids: list[int] = []
    event.listen(engine, "connect", lambda dbapi, _record: pids.append(dbapi.get_backend_pid()))

    def terminate() -> None:
        killer = sa.create_engine(engine.url, poolclass=sa.NullPool)
        with killer.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid, 5000) FROM unnest(:pids) AS pid"),
                {"pids": pids},
            )
        killer.dispose()
        # Through pgbouncer the client keeps its connection to pgbouncer: cut that too.
        drop_client_connections(engine.url.render_as_string(hide_password=False))

    return terminate


@pytest.fixture(autouse=True)
def _fresh_pool_after(app):
    """Later tests start on connections opened after this test's cuts."""
    yield
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def admin(client_as, tenant):
    return client_as(tenant)


@pytest.fixture
def study(admin):
    return admin.post("/api/studies/", json={"reference": "PATH", "name": "Path"}).json


def test_a_study_read_is_one_call_of_the_schemas_access_function(app, admin, study, tenant):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, sql: str, *_rest: object) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = admin.get(f"/api/studies/{study['uuid']}")
        statements_of_study_read = list(statements)
        statements.clear()
        listed = admin.get("/api/studies/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200 and answer.json["reference"] == "PATH"
    assert len(statements_of_study_read) == 1, statements_of_study_read
    assert f"FROM {tenant.schema_name}.session_in_study(" in statements_of_study_read[0]
    # A request outside a study authenticates with the session's function alone.
    assert listed.status_code == 200
    assert f"FROM {tenant.schema_name}.session_of(" in statements[0], statements


@pytest.mark.parametrize(
    ("function", "arguments"), [(SESSION_OF, "''"), (SESSION_IN_STUDY, "'', NULL")]
)
def test_the_access_functions_return_what_is_read_in_that_order(app, tenant, function, arguments):
    """The columns Python reads them as are the schema's functions' own (a revision that
    changes a study's columns must create the functions again)."""
    with app.app_context(), db.engine.connect() as connection:
        returned = connection.exec_driver_sql(
            f"SELECT * FROM {tenant.schema_name}.{function.name}({arguments})"
        ).keys()
    assert list(returned) == [column.name for column in function.columns]


@pytest.fixture
def statements(app) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the app sends from now on, with whether it ran in autocommit."""
    with app.app_context():
        engine = db.engine
    sent: list[tuple[str, bool]] = []

    def record(connection, _cursor, sql: str, *_rest: object) -> None:
        sent.append((sql, connection.connection.dbapi_connection.autocommit))

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def _open_transactions(app) -> list[str]:
    """The server's backends on the test database left inside a transaction."""
    with app.app_context(), db.engine.connect() as connection:
        return list(
            connection.execute(
                sa.text(
                    "SELECT state FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                )
            ).scalars()
        )


def test_a_study_read_opens_no_database_transaction(app, admin, study, statements):
    answer = admin.get(f"/api/studies/{study['uuid']}")
    assert answer.status_code == 200
    # Sent in autocommit: no BEGIN before it, and nothing to COMMIT after it.
    assert [autocommit for _sql, autocommit in statements] == [True]
    assert _open_transactions(app) == []


def test_what_follows_the_access_check_is_one_committed_transaction(app, admin, study, statements):
    path = f"/api/studies/{study['uuid']}"
    assert admin.patch(path, json={"name": "Renamed"}).status_code == 200
    access, *rest = statements
    assert access[1] is True and rest and not any(autocommit for _sql, autocommit in rest)
    assert admin.get(path).json["name"] == "Renamed"
    assert _open_transactions(app) == []


def test_a_failing_write_after_the_access_check_leaves_nothing(app, admin, study):
    path = f"/api/studies/{study['uuid']}"
    refused = admin.patch(path, json={"name": "Half done", "status": "archived"})
    assert refused.status_code == 409
    assert admin.get(path).json["name"] == "Path"
    assert _open_transactions(app) == []


def test_a_read_that_touches_its_session_commits_the_touch(app, client_as, tenant):
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        reader = client_as(tenant)
        created = reader.post("/api/studies/", json={"reference": "TOUCH", "name": "Touch"})
        clock.shift(dt.timedelta(minutes=2))
        assert reader.get(f"/api/studies/{created.json['uuid']}").status_code == 200
        with app.app_context(), tenant_context(tenant):
            seen = db.session.execute(
                sa.select(AuthToken.last_seen_at).where(
                    AuthToken.token_hash == digest(reader.token)
                )
            ).scalar_one()
        assert seen == dt.datetime(2030, 1, 1, 9, 2, tzinfo=dt.UTC)
    assert _open_transactions(app) == []


def test_the_one_statement_keeps_the_two_steps_answers(app, admin, study, client_as, tenant):
    outsider = client_as(tenant, "viewer")
    assert outsider.get(f"/api/studies/{study['uuid']}").status_code == 403
    assert admin.get(f"/api/studies/{uuid.uuid4()}").json["error"]["code"] == "NOT_FOUND"
    assert admin.delete(f"/api/studies/{study['uuid']}").status_code == 204
    assert admin.get(f"/api/studies/{study['uuid']}").status_code == 404
    admin.token = "not-a-session"
    # An invalid session is refused first, whatever the study.
    assert admin.get(f"/api/studies/{uuid.uuid4()}").status_code == 401
    assert admin.get("/api/study-centers/", headers={"Study-Uuid": "nope"}).status_code == 401


def test_a_restart_between_requests_costs_at_most_the_first_answer(app, admin, study):
    path = f"/api/studies/{study['uuid']}"
    with app.app_context():
        engine = db.engine
    engine.dispose()  # the pool's connections from now on are the ones the restart cuts
    terminate = _backends_of(engine)
    assert admin.get(path).status_code == 200
    terminate()
    first = admin.get(path)
    # The connection was used a moment ago, so it is not pinged: its request may fail,
    # cleanly, and the pool replaces every connection opened before the restart.
    assert first.status_code == 200 or (
        first.status_code == 503 and first.json["error"]["code"] == "SERVICE_UNAVAILABLE"
    ), first.data
    assert [admin.get(path).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize(("idle_seconds", "first_fails"), [(0.0, False), (3600.0, True)])
def test_only_a_connection_idle_past_the_setting_is_pinged(app, idle_seconds, first_fails):
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    # The pool's own behaviour, on the server itself: pgbouncer would hide the cut.
    engine = sa.create_engine(direct_url(url), pool_size=1)
    ping_idle_connections(engine, idle_seconds)
    terminate = _backends_of(engine)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        terminate()
        if first_fails:
            with pytest.raises(sa.exc.OperationalError), engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
