"""What keeps a process bounded when it serves many tenants: the host cache's size and
the replacement of pooled connections that served many tenant schemas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from datacapt.database.session import NO_TENANT_SCHEMA, translated_engine
from datacapt.tenancy.connections import recycle_after_schemas, schemas_served
from datacapt.tenancy.hosts import MISSING, HostCache, host_cache, init_host_cache


@pytest.fixture
def small_host_cache(app):
    """The app's host cache holding 3 hosts for the test, then the configured one again."""
    with app.app_context():
        configured = host_cache()
        init_host_cache(app, 60, 3)
        yield host_cache()
        app.extensions["datacapt.host_cache"] = configured


def test_unknown_hosts_never_grow_the_host_cache_past_its_size(
    client, client_for, tenant, small_host_cache
):
    for number in range(10):
        response = client.get("/api/tenant/", headers={"Host": f"h{number}.unknown.example"})
        assert response.status_code == 404
    assert len(small_host_cache) == 3
    # The tenant's host, pushed out by the unknown ones, is looked up again.
    assert client_for(tenant).get("/api/tenant/").json["name"] == tenant.name
    assert len(small_host_cache) == 3


def test_the_host_cache_drops_the_least_recently_used_host():
    cache = HostCache[str](60, 2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # "b" is now the least recently used
    cache.put("c", "C")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", MISSING, "C")


_OPENED: dict[sa.Engine, list[object]] = {}


@pytest.fixture
def one_connection_engine(db_engine):
    engine = sa.create_engine(db_engine.url, pool_size=1, max_overflow=0)
    opened = _OPENED[engine] = []  # kept, so no two connections share an identity
    event.listen(engine, "connect", lambda dbapi, _record: opened.append(dbapi))
    yield engine
    engine.dispose()
    del _OPENED[engine]


def connection_number(engine: sa.Engine, schema: str) -> tuple[int, frozenset[str]]:
    """Which of the engine's connections (by the order they were opened; a server's backend
    pid would not tell through pgbouncer) served ``schema``, and what it has served."""
    with translated_engine(engine, schema).connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        dbapi = connection.connection.dbapi_connection
        return _OPENED[engine].index(dbapi), schemas_served(connection)


def test_a_connection_that_served_more_schemas_than_the_setting_is_replaced(
    one_connection_engine,
):
    recycle_after_schemas(one_connection_engine, 2)
    assert connection_number(one_connection_engine, NO_TENANT_SCHEMA)[1] == frozenset()
    first, served = connection_number(one_connection_engine, "tenant_a")
    assert served == {"tenant_a"}
    assert connection_number(one_connection_engine, "tenant_b") == (first, {"tenant_a", "tenant_b"})
    # The same schemas again are no new ones: the connection stays.
    assert connection_number(one_connection_engine, "tenant_a")[0] == first
    assert connection_number(one_connection_engine, "tenant_c")[0] == first  # past the limit...
    replaced, served = connection_number(one_connection_engine, "tenant_d")  # ...so replaced here
    assert replaced != first
    assert served == {"tenant_d"}


def test_without_a_limit_a_connection_serves_every_schema(one_connection_engine):
    recycle_after_schemas(one_connection_engine, 0)
    numbers = {connection_number(one_connection_engine, f"tenant_{n}")[0] for n in range(5)}
    assert numbers == {0}
