"""Hello: discovered, gated per tenant and by permission, its table, job and periodic job
only where enabled."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.testing import JobRun, build_scheduler, cron_entries, plugin_set, set_redis
from datacapt.toolkit import db, enqueue
from rq import Queue, SimpleWorker

URL = "/api/hello/records/"


def texts(client) -> list[str]:
    return [record["text"] for record in client.get(URL).json]


def test_the_plugin_is_discovered(app):
    with app.app_context():
        plugin = plugin_set().get("hello")
        assert plugin.manifest.title == "Hello"
        assert "hello" in plugin_set().permissions.categories()


def test_only_the_enabled_tenant_answers(enable_plugins, client_as, tenant, other_tenant):
    enable_plugins(tenant, "hello")
    enabled, other = client_as(tenant), client_as(other_tenant)
    assert enabled.post(URL, json={"text": "hi"}).status_code == 201
    assert texts(enabled) == ["hi"]
    response = other.get(URL)
    assert response.status_code == 404
    assert response.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"


def test_its_error_code_reaches_the_client(enable_plugins, client_as, tenant):
    enable_plugins(tenant, "hello")
    client = client_as(tenant)
    response = client.post(URL, json={"text": "   "})
    assert response.status_code == 422
    error = response.json["error"]
    assert (error["internal_code"], error["internal_name"]) == (9000, "HELLO_TEXT_BLANK")
    assert error["fields"] == {"text": ["A record needs a text that is not blank."]}
    assert texts(client) == []


def test_its_permissions_are_checked(enable_plugins, client_as, client_for, tenant):
    enable_plugins(tenant, "hello")
    assert client_for(tenant).get(URL).status_code == 401
    viewer = client_as(tenant, role="viewer")
    assert viewer.get(URL).status_code == 403
    assert viewer.post(URL, json={"text": "no"}).status_code == 403


def test_its_table_exists_only_in_the_enabled_tenant(
    enable_plugins, db_engine, tenant, other_tenant
):
    enable_plugins(tenant, "hello")
    with db_engine.connect() as connection:
        present = (
            connection.execute(
                sa.text("SELECT schemaname FROM pg_tables WHERE tablename = 'hello_records'")
            )
            .scalars()
            .all()
        )
    assert tenant.schema_name in present
    assert other_tenant.schema_name not in present


def test_the_tenant_setting_gives_the_default_text(enable_plugins, client_as, tenant):
    enable_plugins(tenant, "hello")
    assert client_as(tenant).post(URL, json={}).json["text"] == "Hello"


def test_its_job_runs_only_where_enabled(
    app, enable_plugins, client_as, tenant, other_tenant, redis_queue
):
    enable_plugins(tenant, "hello")
    with app.app_context():
        enqueue("datacapt_hello.jobs.add_record", "from a job", tenant=tenant)
        refused = enqueue("datacapt_hello.jobs.add_record", "refused", tenant=other_tenant)
        db.session.commit()  # jobs are sent when the enqueuing transaction commits
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
        assert queue.failed_job_registry.count == 1
        # Refused because the plugin is not enabled there, and recorded so.
        assert db.session.get_one(JobRun, refused).status == "refused"
    assert texts(client_as(tenant)) == ["from a job"]


def test_its_periodic_job_runs_only_where_enabled(
    app, enable_plugins, client_as, tenant, other_tenant, redis_queue
):
    enable_plugins(tenant, "hello")
    set_redis(app, redis_queue)
    with app.app_context():
        entries = [e for e in cron_entries() if e.plugin == "hello"]
        assert [e.name for e in entries] == ["hello-tick"]
        build_scheduler(redis_queue, entries).enqueue_jobs()
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)  # fan-out, then ticks
        assert queue.failed_job_registry.count == 0  # no tick went to the other tenant
    assert texts(client_as(tenant)) == ["tick"]
    enable_plugins(other_tenant, "hello")
    assert texts(client_as(other_tenant)) == []


GREETING = "/api/hello/greeting"
STUDY_SETTINGS = "/api/plugins/hello/study-settings"


def test_its_greeting_speaks_french_and_follows_the_study_setting(
    enable_plugins, client_as, tenant
):
    enable_plugins(tenant, "hello")
    admin = client_as(tenant)  # the study's creator, in its team as administrator
    created = admin.post("/api/studies/", json={"reference": "GREET-1", "name": "Greetings"})
    study = {"Study-Uuid": created.json["uuid"]}
    french = {**study, "Language": "fr"}
    assert admin.get(GREETING, headers=study).json == {"text": "Welcome to the study GREET-1."}
    assert admin.get(GREETING, headers=french).json == {"text": "Bienvenue dans l'étude GREET-1."}
    assert admin.get(STUDY_SETTINGS, headers=study).json == {"greet_by": "reference"}
    changed = admin.patch(STUDY_SETTINGS, json={"greet_by": "name"}, headers=study)
    assert changed.json == {"greet_by": "name"}
    assert admin.get(GREETING, headers=french).json == {"text": "Bienvenue dans l'étude Greetings."}
    refused = admin.patch(STUDY_SETTINGS, json={"greet_by": "nickname"}, headers=study)
    assert refused.status_code == 422 and "greet_by" in refused.json["error"]["fields"]
    assert admin.get(STUDY_SETTINGS, headers=study).json == {"greet_by": "name"}


def test_its_catalog_holds_every_message_of_its_code(app):
    result = app.test_cli_runner().invoke(args=["translations", "check", "hello"])
    assert result.exit_code == 0, result.output
