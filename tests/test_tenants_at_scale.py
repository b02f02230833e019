"""What keeps a process bounded when it serves many tenants: the host cache's size and
the replacement of pooled connections that served many tenant schemas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

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


@pytest.fixture
def one_connection_engine(db_engine):
    engine = sa.create_engine(db_engine.url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine, schema: str) -> tuple[int, frozenset[str]]:
    with translated_engine(engine, schema).connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one(), (
            schemas_served(connection)
        )


def test_a_connection_that_served_more_schemas_than_the_setting_is_replaced(
    one_connection_engine,
):
    recycle_after_schemas(one_connection_engine, 2)
    assert backend_pid(one_connection_engine, NO_TENANT_SCHEMA)[1] == frozenset()
    first, served = backend_pid(one_connection_engine, "tenant_a")
    assert served == {"tenant_a"}
    assert backend_pid(one_connection_engine, "tenant_b") == (first, {"tenant_a", "tenant_b"})
    # The same schemas again are no new ones: the connection stays.
    assert backend_pid(one_connection_engine, "tenant_a")[0] == first
    assert backend_pid(one_connection_engine, "tenant_c")[0] == first  # past the limit...
    replaced, served = backend_pid(one_connection_engine, "tenant_d")  # ...so replaced here
    assert replaced != first
    assert served == {"tenant_d"}


def test_without_a_limit_a_connection_serves_every_schema(one_connection_engine):
    recycle_after_schemas(one_connection_engine, 0)
    pids = {backend_pid(one_connection_engine, f"tenant_{n}")[0] for n in range(5)}
    assert len(pids) == 1
