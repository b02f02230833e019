"""The request path's round trips: a study-scoped read authenticates and enters its study in
one statement, and pooled connections are pinged only after sitting idle, which still
survives a database restart."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from datacapt.database import db
from datacapt.database.liveness import ping_idle_connections
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


def test_a_study_read_is_one_statement(app, admin, study):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, sql: str, *_rest: object) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = admin.get(f"/api/studies/{study['uuid']}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200 and answer.json["reference"] == "PATH"
    assert len(statements) == 1, statements


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
