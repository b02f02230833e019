"""Fixtures for the platform's tests and for plugin authors' (opted into with
`-p datacapt.testing.pytest_plugin`).

app           the application on the test database, shared schema migrated, jobs in process
db_engine     its engine
tenant_factory  make real tenants; they are dropped after the test
tenant, other_tenant  two tenants
client        a test client without a host
api_client    a test client addressed to ``tenant``'s host
client_for    a test client addressed to any tenant's host
redis_queue   switches the app to RQ on Redis (DATACAPT_TEST_REDIS_URL or in-process fakeredis)
user_factory  user_factory(tenant, role="administrator", **fields) makes an active user
client_as     client_as(tenant, role="administrator", on_app=None, **fields): a logged-in client
operator      a platform operator (email, password) for guarded commands and the operator API
enable_plugins  enable_plugins(tenant, "name", ...) enables plugins (with their requirements)
app_with_plugins  app_with_plugins(plugin, ...) builds an app with in-test plugin objects too
sweep_notifications  sweep_notifications(at) runs the notification sweep at a UTC time
schema_crossings  the record of transactions that touched two tenant schemas

The ``requirement("<id>", ...)`` marker names the regulatory requirements a test proves
(docs/validation.md).

Every test fails when a request read a header, or gave an answer, that the API
description of its endpoint does not declare (datacapt.api.contract), and when one database
transaction touched two tenant schemas (datacapt.testing.schema_crossings).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from datacapt.api import limits
from datacapt.app import create_app
from datacapt.config import Settings
from datacapt.database import db, unit_of_work
from datacapt.identity.services import create_user, get_role, login
from datacapt.jobs.connection import set_redis
from datacapt.jobs.models import OutboxJob
from datacapt.migrating import migrate_shared
from datacapt.operators.services import create_operator
from datacapt.plugins.services import enable_plugin
from datacapt.studies.models import Study, StudyCenter, StudyUser
from datacapt.tenancy.context import TenantRef, tenant_context
from datacapt.testing.client import TenantClient, tenant_client, tenant_host
from datacapt.testing.database import (
    database_url_for_tests,
    drop_tenant,
    redis_url_for_tests,
    reset_database,
    skip_commit_flush,
)
from datacapt.testing.factories import TenantFactory
from datacapt.testing.schema_crossings import SchemaCrossings
from datacapt.testing.sms import SmsProvider, serving_sms_provider

TEST_SECRET_KEY = "test-secret-key-not-for-production-use"
_SCHEMA_CROSSINGS = SchemaCrossings()


def settings_for_tests(**overrides: Any) -> Settings:
    """Settings for a test app on the test database (overrides win)."""
    var_dir = Path(os.environ.get("DATACAPT_VAR_DIR", "var"))
    values: dict[str, Any] = {
        "env": "testing",
        "secret_key": TEST_SECRET_KEY,
        "database_url": database_url_for_tests(var_dir),
        "var_dir": var_dir,
        "redis_url": None,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requirement(*ids): the regulatory requirements this test proves, by their ids in"
        " docs/requirements/ (docs/validation.md)",
    )
    _SCHEMA_CROSSINGS.install()


@pytest.fixture(scope="session")
def _test_database() -> str:
    settings = settings_for_tests()
    engine_app = create_app(settings)
    with engine_app.app_context():
        reset_database(db.engine)
        skip_commit_flush(db.engine)
        outcome = migrate_shared(db.engine)
        assert outcome.status != "failed", outcome.error
    return settings.database_url  # type: ignore[return-value]


@pytest.fixture(scope="session")
def app(_test_database: str) -> Flask:
    app = create_app(settings_for_tests(database_url=_test_database))
    app.test_client_class = TenantClient
    return app


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Each test starts with no rate limit counted (the app outlives tests)."""
    if "app" in request.fixturenames:
        limits.reset(request.getfixturevalue("app"))


@pytest.fixture(autouse=True)
def _api_keeps_its_description() -> Iterator[None]:
    """Fail a test in which an endpoint read a header, or gave an answer, that its API
    description does not declare (datacapt.api.contract)."""
    from datacapt.api.contract import take_breaches

    take_breaches()
    yield
    breaches = take_breaches()
    if breaches:
        pytest.fail("The API did what its description does not say:\n" + "\n".join(breaches))


@pytest.fixture(autouse=True)
def _one_tenant_schema_per_transaction() -> Iterator[None]:
    """Fail a test in which one database transaction touched two tenant schemas."""
    _SCHEMA_CROSSINGS.take()
    yield
    crossings = _SCHEMA_CROSSINGS.take()
    if crossings:
        pytest.fail("A transaction touched two tenant schemas:\n" + "\n".join(crossings))


@pytest.fixture
def schema_crossings() -> SchemaCrossings:
    """The check's record: a test of the check itself takes the crossings it caused."""
    return _SCHEMA_CROSSINGS


@pytest.fixture
def db_engine(app: Flask) -> sa.Engine:
    """The app's engine (no application context is left pushed)."""
    with app.app_context():
        return db.engine


@pytest.fixture
def tenant_factory(app: Flask) -> Iterator[Callable[..., TenantRef]]:
    created: list[str] = []

    def make(**fields: Any) -> TenantRef:
        with app.app_context():
            tenant = TenantFactory.create(**fields)
        created.append(tenant.schema_name)
        return tenant

    yield make
    with app.app_context():
        for schema_name in created:
            drop_tenant(db.engine, schema_name)


@pytest.fixture
def tenant(tenant_factory: Callable[..., TenantRef]) -> TenantRef:
    return tenant_factory()


@pytest.fixture
def other_tenant(tenant_factory: Callable[..., TenantRef]) -> TenantRef:
    return tenant_factory()


@pytest.fixture
def client(app: Flask) -> TenantClient:
    return tenant_client(app)


@pytest.fixture
def client_for(app: Flask) -> Callable[[TenantRef], TenantClient]:
    def make(tenant: TenantRef) -> TenantClient:
        return tenant_client(app).for_host(tenant_host(app, tenant))

    return make


@pytest.fixture
def api_client(client_for: Callable[[TenantRef], TenantClient], tenant: TenantRef) -> TenantClient:
    return client_for(tenant)


@pytest.fixture
def redis_queue(app: Flask) -> Iterator[Any]:
    """Real Redis when DATACAPT_TEST_REDIS_URL is set, else fakeredis; flushed around the test.

    The jobs the test left waiting go with the flushed Redis: their outbox rows are
    deleted too, or a later test's relay would find them lost and send them again.
    """
    url = redis_url_for_tests()
    if url:
        from redis import Redis

        connection = Redis.from_url(url)
    else:
        import fakeredis

        connection = fakeredis.FakeRedis()
    connection.flushdb()
    set_redis(app, connection)
    try:
        yield connection
    finally:
        set_redis(app, None)
        connection.flushdb()
        with app.app_context(), db.engine.begin() as database:
            database.execute(sa.delete(OutboxJob).where(OutboxJob.done_at.is_(None)))


@pytest.fixture
def enable_plugins(app: Flask) -> Callable[..., None]:
    def enable(tenant: TenantRef, *names: str, on_app: Flask | None = None) -> None:
        with (on_app or app).app_context():
            for name in names:
                enable_plugin(tenant.schema_name, name, "test", with_deps=True)

    return enable


@pytest.fixture
def app_with_plugins(_test_database: str) -> Callable[..., Flask]:
    """Register in-test plugins: modules or objects with ``@hookimpl`` functions."""

    def make(*plugins: Any, **overrides: Any) -> Flask:
        built = create_app(
            settings_for_tests(database_url=_test_database, **overrides), extra_plugins=plugins
        )
        built.test_client_class = TenantClient
        return built

    return make


TEST_PASSWORD = "correct horse battery staple 42"


@dataclass(frozen=True)
class TestUser:
    uuid: uuid.UUID
    id: int
    email: str
    password: str
    role: str


@pytest.fixture
def user_factory(app: Flask) -> Callable[..., TestUser]:
    def make(
        tenant: TenantRef, role: str = "administrator", email: str | None = None, **fields: Any
    ) -> TestUser:
        return _new_user(app, tenant, role, email, **fields)[0]

    return make


def _new_user(
    app: Flask,
    tenant: TenantRef,
    role: str,
    email: str | None = None,
    logged_in: bool = False,
    **fields: Any,
) -> tuple[TestUser, str | None]:
    """A new active user of ``role``, and a bearer token of theirs when ``logged_in``.

    The token comes from the login service itself, in a request of the test client's
    environment, without the HTTP round trip: the user's state (last login, security
    events, session) is what a login through the API leaves.
    """
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    password = fields.pop("password", TEST_PASSWORD)
    with (
        app.test_request_context(environ_base=tenant_client(app).environ_base),
        tenant_context(tenant),
        unit_of_work(),
    ):
        user = create_user(
            email,
            fields.get("first_name", "Test"),
            fields.get("last_name", role.title()),
            get_role(role),
            password,
        )
        token = login(email, password)[1] if logged_in else None
        return TestUser(user.uuid, user.id, user.email, password, role), token


@pytest.fixture
def client_as(app: Flask) -> Callable[..., TenantClient]:
    def make(
        tenant: TenantRef, role: str = "administrator", on_app: Flask | None = None, **fields: Any
    ) -> TenantClient:
        user, token = _new_user(on_app or app, tenant, role, logged_in=True, **fields)
        client = tenant_client(on_app or app).for_host(tenant_host(app, tenant))
        client.token = token
        client.user = user
        return client

    return make


@dataclass(frozen=True)
class TestStudy:
    uuid: str
    headers: dict[str, str]  # the Study-Uuid header
    centers: dict[str, str]  # center uuid by code


@pytest.fixture
def make_study() -> Callable[..., TestStudy]:
    """``make_study(client, *center_codes, reference=...)``: a study and its centers created
    through the API by ``client`` (who becomes its study manager)."""

    def make(client: TenantClient, *center_codes: str, reference: str = "TEST-1") -> TestStudy:
        # Werkzeug types a response's json as optional; these answer JSON.
        created: Any = client.post(
            "/api/studies/", json={"reference": reference, "name": reference}
        )
        assert created.status_code == 201, created.json
        headers = {"Study-Uuid": created.json["uuid"]}
        centers = {}
        for code in center_codes:
            center: Any = client.post(
                "/api/centers/", json={"code": code, "name": code, "country": "FR"}
            ).json
            added = client.post(
                "/api/study-centers/", json={"center": center["uuid"]}, headers=headers
            )
            assert added.status_code == 201, added.json
            centers[code] = center["uuid"]
        return TestStudy(created.json["uuid"], headers, centers)

    return make


@pytest.fixture
def join_study(app: Flask, client_as: Callable[..., TenantClient]) -> Callable[..., TenantClient]:
    """``join_study(headers, tenant, role, centers=None)``: a new logged-in user
    of ``role``, put in the study's team (at ``centers`` only, if given), written
    directly: what a study manager may grant is tested through the team's API."""

    def join(
        headers: dict[str, str],
        tenant: TenantRef,
        role: str,
        centers: list[str] | None = None,
    ) -> TenantClient:
        member = client_as(tenant, role)
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(headers["Study-Uuid"]))
            ).scalar_one()
            db.session.add(
                StudyUser(
                    study_id=study.id,
                    user_id=member.user.id,
                    role_id=get_role(role).id,
                    all_centers=centers is None,
                    centers=list(
                        db.session.execute(
                            sa.select(StudyCenter).where(
                                StudyCenter.uuid.in_([uuid.UUID(c) for c in centers or []])
                            )
                        ).scalars()
                    ),
                )
            )
        return member

    return join


@pytest.fixture
def sweep_notifications(app: Flask) -> Callable[[dt.datetime], None]:
    """``sweep_notifications(at)``: one tick of the notification sweep at ``at`` (UTC): in
    every tenant, what is due then (quiet hours over, a retry, a stuck message) is sent."""
    import time_machine

    from datacapt.jobs.cron import job_arguments, run_tick
    from datacapt.notifications.jobs import SWEEP_ENTRY

    def sweep(at: dt.datetime) -> None:
        with time_machine.travel(at, tick=False), app.app_context():
            run_tick(*job_arguments(SWEEP_ENTRY))

    return sweep


@pytest.fixture
def sms_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsProvider]:
    """An HTTP SMS provider on the loopback; set its ``status``/``answer``, read its
    ``requests`` (or ``messages()``); point SMS_URL at ``url`` (``url_with_secret(...)``)."""
    # A proxy configured in the environment must not intercept the local server.
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with serving_sms_provider() as provider:
        yield provider


@dataclass(frozen=True)
class TestOperator:
    email: str
    password: str


@pytest.fixture
def operator(app: Flask) -> TestOperator:
    email = f"operator-{uuid.uuid4().hex[:8]}@example.org"
    with app.app_context(), unit_of_work():
        create_operator(email, TEST_PASSWORD)
    return TestOperator(email, TEST_PASSWORD)
