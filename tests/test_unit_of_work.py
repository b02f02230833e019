"""One unit of work: the request, the job or the command commits, services only flush; and
every request that fails because the database went away answers 503 in the envelope."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import event

from datacapt.database import after_commit, db, unit_of_work
from datacapt.jobs import enqueue, run_job
from datacapt.jobs.models import JobRun
from datacapt.tenancy import tenant_context
from datacapt.testing.pgbouncer import drop_client_connections
from tests.test_jobs import notes, run_record, work

ROOT = Path(__file__).resolve().parents[1]

# The unit of work, and the request's wrapper, which commits after its view.
COMMIT_ALLOWED = {"datacapt/database/unit.py", "datacapt/tenancy/resolver.py"}
# Where a unit of work may begin: the wrappers, the code that enters a tenant scope of its
# own for work that follows another commit (plugin lifecycle hooks, the demo seed), and the
# test kit's fixtures.
UNIT_ALLOWED = {
    "datacapt/database/unit.py",
    "datacapt/testing/pytest_plugin.py",
    "datacapt/console.py",
    "datacapt/tenancy/context.py",
    "datacapt/jobs/queue.py",
    "datacapt/plugins/services.py",
    "datacapt/demo/services.py",
}


def _sources() -> Iterator[tuple[str, str]]:
    for folder in ("datacapt", "plugins", "examples"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix not in (".py", ".tmpl") or "/tests/" in relative:
                continue
            yield relative, path.read_text()


def test_only_the_wrappers_commit():
    commits = [
        f"{name}:{number}"
        for name, text in _sources()
        if name not in COMMIT_ALLOWED
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(r"\.commit\(\)|commit_unit\(", line) and "def commit_unit" not in line
    ]
    assert commits == [], "services flush; the request, job or command commits"
    units = [
        name
        for name, text in _sources()
        if name not in UNIT_ALLOWED and re.search(r"\bunit_of_work\(", text)
    ]
    assert units == []


def test_a_view_that_commits_fails_and_nothing_of_it_stays(api_client, app, tenant):
    answer = api_client.post("/api/notes/commit-in-view")
    assert answer.status_code == 500 and answer.json["error"]["code"] == "INTERNAL_ERROR"
    assert notes(app, tenant) == []


@pytest.mark.requirement("A11-7", "E6-4.3.5")
def test_a_request_commits_after_its_view_and_an_error_answer_rolls_back(api_client, app, tenant):
    assert api_client.post("/api/notes/", json={"text": "kept"}).status_code == 201
    assert api_client.post("/api/notes/fail-after-write").status_code == 500
    assert notes(app, tenant) == ["kept"]


def test_a_job_that_commits_itself_fails(app, tenant):
    with app.app_context():
        enqueue("tests.jobs_kit.commit_in_job", tenant=tenant)
        db.session.commit()
        record = db.session.execute(
            sa.select(JobRun).where(JobRun.func == "tests.jobs_kit.commit_in_job")
        ).scalar_one()
        assert record.status == "failed" and "commit() inside a job" in record.error
    assert notes(app, tenant) == []


@pytest.fixture
def subjects_study(enable_plugins, client_as, make_study, tenant):
    enable_plugins(tenant, "subjects")
    return make_study(client_as(tenant, "study_manager"), "PAR", reference="UOW-1")


def _subject_ids(app, tenant) -> list[str]:
    from plugins.subjects.models import SubjectInStudy

    with app.app_context(), tenant_context(tenant):
        return list(db.session.execute(sa.select(SubjectInStudy.study_subject_id)).scalars())


@pytest.mark.requirement("A11-16", "E6-4.3.5")
def test_a_retried_job_that_reuses_a_service_has_its_effect_once_in_process(
    app, tenant, subjects_study, tmp_path
):
    path = "tests.jobs_kit.add_subject_then_fail_once"
    arguments = [str(tmp_path / "marker"), subjects_study.uuid, subjects_study.centers["PAR"]]
    with app.app_context():
        job_id = enqueue(path, *arguments, tenant=tenant)
        db.session.commit()  # without Redis the job runs here, and fails
        assert run_record(app, job_id).status == "failed"
        assert _subject_ids(app, tenant) == []
        assert run_job(job_id, tenant.schema_name, path, arguments, {}) == "PAR-001"
    assert _subject_ids(app, tenant) == ["PAR-001"]


def test_a_retried_job_that_reuses_a_service_has_its_effect_once_on_redis(
    app, tenant, subjects_study, tmp_path, redis_queue
):
    with app.app_context():
        job_id = enqueue(
            "tests.jobs_kit.add_subject_then_fail_once",
            str(tmp_path / "marker"),
            subjects_study.uuid,
            subjects_study.centers["PAR"],
            tenant=tenant,
        )
        db.session.commit()
        work(redis_queue)
    record = run_record(app, job_id)
    assert (record.status, record.attempts) == ("succeeded", 2)
    assert _subject_ids(app, tenant) == ["PAR-001"]


def test_a_savepoint_is_no_commit_for_what_waits_on_the_transaction(app, tenant, other_tenant):
    """Releasing a savepoint sends no job and runs no callback; rolling one back drops only
    what was kept inside it (and inside the savepoints within it)."""
    ran: list[str] = []
    note = "tests.jobs_kit.write_note"
    with app.app_context(), tenant_context(tenant):
        enqueue(note, "before", tenant=other_tenant)
        after_commit(lambda: ran.append("before"))
        with db.session.begin_nested():
            enqueue(note, "released", tenant=other_tenant)
            after_commit(lambda: ran.append("released"))
        assert (notes(app, other_tenant), ran) == ([], [])
        savepoint = db.session.begin_nested()
        enqueue(note, "rolled back", tenant=other_tenant)
        after_commit(lambda: ran.append("rolled back"))
        with db.session.begin_nested():
            after_commit(lambda: ran.append("inside the rolled back"))
        savepoint.rollback()
        db.session.commit()
    assert notes(app, other_tenant) == ["before", "released"]
    assert ran == ["before", "released"]


def test_a_unit_may_release_a_savepoint(app, tenant):
    with app.app_context(), tenant_context(tenant), unit_of_work("job"), db.session.begin_nested():
        db.session.execute(sa.text("SELECT 1"))


def _create_user(runner, tenant, email: str, role: str):
    return runner.invoke(
        args=["users", "create", "--tenant", tenant.schema_name, "--email", email, "--role", role],
        input="A long enough passphrase 42\nA long enough passphrase 42\n",
    )


def test_a_command_commits_once_when_it_ends(app, tenant):
    from datacapt.identity.models import User

    runner = app.test_cli_runner()
    created = _create_user(runner, tenant, "cli@example.org", "viewer")
    assert created.exit_code == 0, created.output
    assert _create_user(runner, tenant, "no@example.org", "astronaut").exit_code == 1
    with app.app_context(), tenant_context(tenant):
        emails = db.session.execute(sa.select(User.email)).scalars().all()
    assert "cli@example.org" in emails and "no@example.org" not in emails


def test_activity_counts_although_the_request_answers_an_error(client_as, tenant):
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = client_as(tenant)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(f"/api/users/{uuid.uuid4()}").status_code == 404
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/api/users/me").status_code == 200


# The database going away: every backend of the test database is terminated from another
# connection at a chosen moment of a request (a restart as the app sees it).


@pytest.fixture
def cut_database(app) -> Iterator[Callable[..., list[int]]]:
    with app.app_context():
        engine = db.engine
    killer = sa.create_engine(engine.url, poolclass=sa.NullPool)
    listening: list[tuple[str, Callable[..., None]]] = []

    def terminate() -> None:
        with killer.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        # Through pgbouncer the client keeps its connection to pgbouncer: cut that too.
        drop_client_connections(engine.url.render_as_string(hide_password=False))

    def cut(moment: str, statement: str = "") -> list[int]:
        """Cut at the first ``moment``: "execute" (of ``statement``), "commit", "rollback"."""
        fired: list[int] = []

        def once(*_args: object) -> None:
            if not fired:
                fired.append(1)
                terminate()

        def before_execute(_conn, _cursor, sql: str, *_rest: object) -> None:
            if statement in sql:
                once()

        name, listener = (
            ("before_cursor_execute", before_execute) if moment == "execute" else (moment, once)
        )
        event.listen(engine, name, listener)
        listening.append((name, listener))
        return fired

    yield cut
    for name, listener in listening:
        event.remove(engine, name, listener)
    killer.dispose()


def _unavailable(answer) -> bool:
    return (
        answer.status_code == 503
        and answer.is_json
        and answer.json["error"]["code"] == "SERVICE_UNAVAILABLE"
        and answer.json["error"]["internal_code"] == 1503
    )


@pytest.mark.parametrize(
    ("moment", "statement"),
    [("execute", "INSERT INTO"), ("commit", ""), ("execute", "JOIN public.domains")],
    ids=["during the view", "at the commit", "resolving the tenant"],
)
@pytest.mark.requirement("A11-16", "E6-4.3.5")
def test_a_database_outage_answers_503_and_the_next_request_succeeds(
    api_client, app, tenant, cut_database, moment, statement
):
    from datacapt.tenancy.hosts import host_cache

    with app.app_context():
        host_cache().clear()
    fired = cut_database(moment, statement)
    answer = api_client.post("/api/notes/", json={"text": "not acknowledged"})
    assert fired and _unavailable(answer), answer.data
    assert api_client.post("/api/notes/", json={"text": "after"}).status_code == 201
    assert notes(app, tenant) == ["after"]


def test_a_lost_connection_at_the_rollback_of_an_error_answer_keeps_the_envelope(
    api_client, app, tenant, cut_database
):
    note = api_client.post("/api/notes/", json={"text": "draft"}).json
    fired = cut_database("rollback")
    refused = api_client.patch(f"/api/notes/{note['uuid']}", json={"status": "archived"})
    assert fired and refused.is_json and refused.status_code == 409
    assert api_client.get("/api/notes/").status_code == 200
