"""A plugin acts only in tenants that enabled it: routes, hooks, jobs, cron, migrations."""

from __future__ import annotations

import pytest
from rq import Queue, SimpleWorker

from datacapt.database import db
from datacapt.jobs import enqueue
from datacapt.jobs.connection import set_redis
from datacapt.jobs.cron import CronEntry, build_scheduler, cron_entries
from datacapt.plugins.jobs import fan_out
from datacapt.plugins.services import tenant_lineage_plan
from datacapt.tenancy.services import create_tenant, to_ref
from datacapt.testing.database import downgrade_lineage, drop_tenant
from tests.inspection import table_ids
from tests.plugin_kit import (
    BASE_MIGRATIONS,
    EVENTS,
    FAIL_IN,
    FakePlugin,
    failing_tick,
    ping_blueprint,
    record_run,
    record_tick,
)


@pytest.fixture
def plugin_app(app_with_plugins):
    EVENTS.clear()
    return app_with_plugins(
        FakePlugin(
            "base",
            migrations=BASE_MIGRATIONS,
            blueprints=(ping_blueprint("base"),),
            jobs=(record_run, record_tick, failing_tick),
            cron=(
                CronEntry("base-tick", "tests.plugin_kit.record_tick", interval=60),
                CronEntry("base-fail", "tests.plugin_kit.failing_tick", interval=60),
            ),
        ),
        FakePlugin("other"),
        plugins=(),
    )


def host(tenant) -> dict[str, str]:
    return {"Host": f"{tenant.schema_name.replace('_', '-')}.test"}


def test_routes_answer_only_in_tenants_that_enabled_the_plugin(
    plugin_app, enable_plugins, tenant, other_tenant
):
    enable_plugins(tenant, "base", on_app=plugin_app)
    client = plugin_app.test_client()
    assert client.get("/api/base/ping", headers=host(tenant)).json["tenant"] == tenant.schema_name
    response = client.get("/api/base/ping", headers=host(other_tenant))
    assert response.status_code == 404
    assert response.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
    assert client.post("/api/base/ping", headers=host(other_tenant)).status_code == 404


def test_lifecycle_hooks_reach_only_the_plugin_and_tenant_concerned(
    plugin_app, enable_plugins, tenant, other_tenant
):
    enable_plugins(tenant, "base", on_app=plugin_app)
    assert [e[:4] for e in EVENTS] == [("enabled", "base", tenant.schema_name, tenant.schema_name)]


def test_tenant_created_is_announced_to_every_plugin_outside_any_tenant(plugin_app, db_engine):
    with plugin_app.app_context():
        created = to_ref(create_tenant("t_announced", "Announced", ["announced.test"]))
    try:
        assert sorted(e for e in EVENTS if e[0] == "created") == [
            ("created", "base", created.schema_name, None),
            ("created", "other", created.schema_name, None),
        ]
    finally:
        drop_tenant(db_engine, created.schema_name)


def test_jobs_are_refused_and_recorded_in_tenants_without_the_plugin(
    plugin_app, enable_plugins, tenant, other_tenant, redis_queue
):
    enable_plugins(tenant, "base", on_app=plugin_app)
    set_redis(plugin_app, redis_queue)
    with plugin_app.app_context():
        enqueue(record_run, "allowed", tenant=tenant)
        enqueue(record_run, "refused", tenant=other_tenant)
        db.session.commit()
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
        (failed_id,) = queue.failed_job_registry.get_job_ids()
        failed = queue.fetch_job(failed_id)
    assert [e for e in EVENTS if e[0] == "job"] == [("job", "allowed", tenant.schema_name, 1)]
    assert "The module 'base' is not enabled" in failed.latest_result().exc_string


def test_in_process_job_of_a_disabled_plugin_is_refused_and_logged(
    plugin_app, other_tenant, caplog
):
    with plugin_app.app_context():
        enqueue(record_run, "refused", tenant=other_tenant)
        db.session.commit()
    assert EVENTS == []
    assert "The module 'base' is not enabled" in caplog.text


def test_cron_entries_fan_out_to_enabled_tenants_only_and_failures_stay_local(
    plugin_app, enable_plugins, tenant_factory, redis_queue
):
    first, failing, last, without = (tenant_factory() for _ in range(4))
    for enabled in (first, failing, last):
        enable_plugins(enabled, "base", on_app=plugin_app)
    EVENTS.clear()
    FAIL_IN.add(failing.schema_name)
    set_redis(plugin_app, redis_queue)
    try:
        with plugin_app.app_context():
            entries = [e for e in cron_entries() if e.plugin == "base"]
            assert [(e.name, e.plugin) for e in entries] == [
                ("base-tick", "base"),
                ("base-fail", "base"),
            ]
            build_scheduler(redis_queue, entries).enqueue_jobs()
            queue = Queue("default", connection=redis_queue)
            SimpleWorker([queue], connection=redis_queue).work(burst=True)
            failed = queue.failed_job_registry.count
    finally:
        FAIL_IN.clear()
    enabled = sorted(t.schema_name for t in (first, failing, last))
    assert sorted(e[2] for e in EVENTS if e[1] == "tick") == enabled
    survived = sorted(e[2] for e in EVENTS if e[1] == "survived")
    assert survived == sorted([first.schema_name, last.schema_name])
    assert failed == 1
    assert without.schema_name not in {e[2] for e in EVENTS}


def test_without_redis_a_failing_tenant_does_not_stop_the_fan_out(
    plugin_app, enable_plugins, tenant_factory
):
    first, failing, last = (tenant_factory() for _ in range(3))
    for enabled in (first, failing, last):
        enable_plugins(enabled, "base", on_app=plugin_app)
    EVENTS.clear()
    FAIL_IN.add(failing.schema_name)
    try:
        with plugin_app.app_context():
            reached = fan_out("base", "tests.plugin_kit.failing_tick", "default")
            db.session.commit()
    finally:
        FAIL_IN.clear()
    assert reached == 3
    assert sorted(e[2] for e in EVENTS) == sorted([first.schema_name, last.schema_name])


def test_migrate_applies_a_plugin_lineage_only_where_it_is_enabled(
    plugin_app, enable_plugins, tenant, other_tenant, db_engine
):
    enable_plugins(tenant, "base", on_app=plugin_app)
    with plugin_app.app_context():
        plan = tenant_lineage_plan([tenant, other_tenant])
    assert [lineage.name for lineage in plan[tenant.schema_name]] == ["core", "base"]
    assert [lineage.name for lineage in plan[other_tenant.schema_name]] == ["core"]

    # As if the plugin shipped its first revision now.
    downgrade_lineage(db_engine, tenant.schema_name, plan[tenant.schema_name][1], "base")
    runner = plugin_app.test_cli_runner()
    listing = runner.invoke(args=["tenants", "list"]).output
    assert next(
        line for line in listing.splitlines() if line.startswith(tenant.schema_name)
    ).endswith("behind: base")
    result = runner.invoke(args=["tenants", "migrate"])
    assert result.exit_code == 0, result.output
    assert f"{tenant.schema_name}: upgraded" in result.output
    assert f"{other_tenant.schema_name}: upgraded" not in result.output
    assert table_ids(db_engine, tenant.schema_name, "base_items") == [1]
    assert table_ids(db_engine, other_tenant.schema_name, "base_items") is None
