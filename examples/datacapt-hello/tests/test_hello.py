"""Hello: discovered, gated per tenant and by permission, its records kept in their study
and audited, its table, job and periodic job only where enabled, its greeting translated,
set per study and emailed from its template."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.testing import (
    JobRun,
    build_scheduler,
    cron_entries,
    delivered_body,
    emails_to,
    plugin_set,
    set_redis,
)
from datacapt.toolkit import db, enqueue, tenant_context
from rq import Queue, SimpleWorker

URL = "/api/hello/records/"
GREETING = "/api/hello/greeting"
STUDY_SETTINGS = "/api/plugins/hello/study-settings"


def texts(client, study) -> list[str]:
    return [record["text"] for record in client.get(URL, headers=study.headers).json]


def test_the_plugin_is_discovered(app):
    with app.app_context():
        plugin = plugin_set().get("hello")
        assert plugin.manifest.title == "Hello"
        assert "hello" in plugin_set().permissions.categories()


def test_only_the_enabled_tenant_answers(
    enable_plugins, client_as, make_study, tenant, other_tenant
):
    enable_plugins(tenant, "hello")
    enabled, other = client_as(tenant), client_as(other_tenant)
    study = make_study(enabled)
    assert enabled.post(URL, json={"text": "hi"}, headers=study.headers).status_code == 201
    assert texts(enabled, study) == ["hi"]
    response = other.get(URL, headers=make_study(other).headers)
    assert response.status_code == 404
    assert response.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"


def test_its_records_are_read_and_changed_only_in_their_study(
    enable_plugins, client_as, make_study, tenant
):
    enable_plugins(tenant, "hello")
    admin = client_as(tenant)
    first, second = make_study(admin, reference="FIRST"), make_study(admin, reference="SECOND")
    record = admin.post(URL, json={"text": "first"}, headers=first.headers).json
    detail = f"{URL}{record['uuid']}"
    assert admin.get(detail, headers=first.headers).json["text"] == "first"
    assert texts(admin, second) == []
    for response in (
        admin.get(detail, headers=second.headers),
        admin.patch(detail, json={"text": "stolen"}, headers=second.headers),
    ):
        assert response.status_code == 404
        assert response.json["error"]["internal_name"] == "OBJECT_NOT_FOUND"
    assert admin.get(URL, headers={}).status_code == 400  # no study named
    changed = admin.patch(detail, json={"text": "changed"}, headers=first.headers)
    assert changed.status_code == 200 and changed.json["text"] == "changed"
    assert texts(admin, first) == ["changed"]


def test_its_records_are_audited_in_their_study(enable_plugins, client_as, make_study, tenant):
    enable_plugins(tenant, "hello")
    admin = client_as(tenant)
    study = make_study(admin)
    record = admin.post(URL, json={"text": "first"}, headers=study.headers).json
    admin.patch(f"{URL}{record['uuid']}", json={"text": "second"}, headers=study.headers)
    trail = admin.get(f"/api/audit-trails/?object={record['uuid']}").json["records"]
    assert [(r["action"], r["object_type"], r["study_id"]) for r in trail] == [
        ("create", "hello_records", study.uuid),
        ("update", "hello_records", study.uuid),
    ]
    assert trail[0]["actor_id"] == str(admin.user.uuid)
    assert trail[1]["changes"] == {"text": ["first", "second"]}


def test_its_error_code_reaches_the_client(enable_plugins, client_as, make_study, tenant):
    enable_plugins(tenant, "hello")
    client = client_as(tenant)
    study = make_study(client)
    response = client.post(URL, json={"text": "   "}, headers=study.headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert (error["internal_code"], error["internal_name"]) == (9000, "HELLO_TEXT_BLANK")
    assert error["fields"] == {"text": ["A record needs a text that is not blank."]}
    assert texts(client, study) == []


def test_its_permissions_are_checked(
    enable_plugins, client_as, client_for, make_study, join_study, tenant
):
    enable_plugins(tenant, "hello")
    admin = client_as(tenant)
    study = make_study(admin)
    assert client_for(tenant).get(URL, headers=study.headers).status_code == 401
    viewer = join_study(study.headers, tenant, "viewer")  # in the team, without hello.*
    assert viewer.get(URL, headers=study.headers).status_code == 403
    assert viewer.post(URL, json={"text": "no"}, headers=study.headers).status_code == 403
    assert viewer.post(f"{GREETING}/send", headers=study.headers).status_code == 403
    assert texts(admin, study) == []


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


def test_the_tenant_setting_gives_the_default_text(enable_plugins, client_as, make_study, tenant):
    enable_plugins(tenant, "hello")
    client = client_as(tenant)
    assert client.post(URL, json={}, headers=make_study(client).headers).json["text"] == "Hello"


def test_its_job_runs_in_the_study_it_is_given_only_where_enabled(
    app, enable_plugins, client_as, make_study, tenant, other_tenant, redis_queue
):
    enable_plugins(tenant, "hello")
    client = client_as(tenant)
    study = make_study(client)
    with app.app_context():
        enqueue("datacapt_hello.jobs.add_record", study.uuid, "from a job", tenant=tenant)
        refused = enqueue(
            "datacapt_hello.jobs.add_record", study.uuid, "refused", tenant=other_tenant
        )
        db.session.commit()  # jobs are sent when the enqueuing transaction commits
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
        assert queue.failed_job_registry.count == 1
        # Refused because the plugin is not enabled there, and recorded so.
        assert db.session.get_one(JobRun, refused).status == "refused"
    assert texts(client, study) == ["from a job"]


def test_its_periodic_job_runs_only_where_enabled(
    app, enable_plugins, client_as, make_study, tenant, other_tenant, redis_queue
):
    enable_plugins(tenant, "hello")
    client = client_as(tenant)
    first, second = make_study(client, reference="FIRST"), make_study(client, reference="SECOND")
    set_redis(app, redis_queue)
    with app.app_context():
        entries = [e for e in cron_entries() if e.plugin == "hello"]
        assert [e.name for e in entries] == ["hello-tick"]
        build_scheduler(redis_queue, entries).enqueue_jobs()
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)  # fan-out, then ticks
        assert queue.failed_job_registry.count == 0  # no tick went to the other tenant
    assert texts(client, first) == texts(client, second) == ["tick"]
    enable_plugins(other_tenant, "hello")
    other = client_as(other_tenant)
    assert texts(other, make_study(other)) == []


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


def test_its_greeting_is_emailed_from_its_template_in_the_users_language(
    app, enable_plugins, client_as, make_study, tenant
):
    enable_plugins(tenant, "hello")
    admin = client_as(tenant, first_name="Lea")
    study = make_study(admin, reference="GREET-2")
    assert admin.patch("/api/users/me", json={"language": "fr"}).status_code == 200
    sent = admin.post(f"{GREETING}/send", headers=study.headers)
    assert sent.status_code == 202 and sent.json["state"] == "queued"
    with app.app_context(), tenant_context(tenant):
        (message,) = emails_to(admin.user.email)
        assert str(message.uuid) == sent.json["uuid"]
        assert (message.template, message.language, message.state) == (
            "hello.greeting",
            "fr",
            "sent",
        )
        assert message.subject == "Bienvenue dans l'étude GREET-2"
        body = delivered_body(message)
        assert body == "Bonjour Lea Administrator,\n\nBienvenue dans l'étude GREET-2."


def test_its_catalog_holds_every_message_of_its_code(app):
    result = app.test_cli_runner().invoke(args=["translations", "check", "hello"])
    assert result.exit_code == 0, result.output
