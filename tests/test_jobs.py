"""enqueue(): a job runs inside the tenant it names, on RQ or in process."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rq import Queue, SimpleWorker

from datacapt.database import db
from datacapt.jobs import enqueue
from datacapt.jobs.cron import CronEntry, build_scheduler
from datacapt.tenancy import tenant_context
from tests.notes_app import Note


def note_texts(app, tenant) -> list[str]:
    with app.app_context(), tenant_context(tenant):
        return db.session.execute(sa.select(Note.text).order_by(Note.id)).scalars().all()


def write_note(text: str) -> None:
    db.session.add(Note(text=text))
    db.session.commit()


def test_without_redis_the_job_runs_now_in_its_tenant(app, tenant, other_tenant):
    with app.app_context():
        job_id = enqueue(write_note, "now", tenant=tenant)
    assert job_id
    assert note_texts(app, tenant) == ["now"]
    assert note_texts(app, other_tenant) == []


def test_with_redis_the_job_waits_for_a_worker_then_runs_in_its_tenant(
    app, tenant, other_tenant, redis_queue
):
    with app.app_context():
        enqueue(write_note, "queued", tenant=other_tenant)
        assert note_texts(app, other_tenant) == []  # not run until a worker takes it
        queue = Queue("default", connection=redis_queue)
        assert queue.count == 1
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
    assert note_texts(app, other_tenant) == ["queued"]
    assert note_texts(app, tenant) == []


def test_job_for_an_unknown_tenant_fails_and_touches_nothing(app, tenant, redis_queue):
    with app.app_context():
        enqueue(write_note, "lost", tenant="no_such_tenant")
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
        assert queue.failed_job_registry.count == 1
    assert note_texts(app, tenant) == []


def test_jobs_must_be_importable_functions(app, tenant):
    with app.app_context(), pytest.raises(ValueError, match="module-level"):
        enqueue(lambda: None, tenant=tenant)


def test_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_worker_command_runs_queued_jobs(app, tenant, redis_queue):
    with app.app_context():
        enqueue(write_note, "by worker", tenant=tenant)
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert note_texts(app, tenant) == ["by worker"]


def count_tenants() -> int:
    from datacapt.tenancy.services import list_tenants

    return len(list_tenants())


def test_cron_entries_are_enqueued_by_the_scheduler_and_run(app, tenant, redis_queue):
    entry = CronEntry("count-tenants", "tests.test_jobs.count_tenants", interval=60)
    scheduler = build_scheduler(redis_queue, [entry])
    enqueued = scheduler.enqueue_jobs()
    assert [job.name for job in enqueued] == ["count-tenants"]
    assert scheduler.enqueue_jobs() == []  # not due again before its interval
    queue = Queue("default", connection=redis_queue)
    (job,) = queue.get_jobs()
    with app.app_context():
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
    assert job.latest_result().return_value >= 1


def test_cron_entry_needs_exactly_one_schedule():
    with pytest.raises(ValueError, match="exactly one"):
        CronEntry("x", "tests.test_jobs.count_tenants")
    with pytest.raises(ValueError, match="exactly one"):
        CronEntry("x", "tests.test_jobs.count_tenants", cron="* * * * *", interval=5)


def test_cron_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["jobs", "cron"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
