"""Jobs: sent after their transaction commits (outbox), never lost when Redis is down,
effects once (retries, duplicates, a killed worker), cron, and the operator commands."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Queue, SimpleWorker
from rq.job import Job
from sqlalchemy.engine.interfaces import CacheStats

from datacapt.audit.models import AuditRecord
from datacapt.database import db, utcnow
from datacapt.jobs import enqueue
from datacapt.jobs.connection import set_redis
from datacapt.jobs.cron import CronEntry, build_scheduler, run_in_process
from datacapt.jobs.models import JobRun, OutboxJob
from datacapt.jobs.queue import compile_bookkeeping, relay_pending
from datacapt.jobs.worker import ForkingWorker
from datacapt.notifications import Channel, Notification, Recipient, RecipientKind, notify
from datacapt.tenancy import tenant_context
from tests.notes_app import Note


def notes(app, tenant) -> list[str]:
    with app.app_context(), tenant_context(tenant):
        return db.session.execute(sa.select(Note.text).order_by(Note.id)).scalars().all()


def run_record(app, job_id: str) -> JobRun:
    with app.app_context():
        record = db.session.get(JobRun, job_id)
        db.session.expunge_all()
        return record


def work(connection) -> Queue:
    queue = Queue("default", connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    return queue


def test_without_redis_a_job_runs_after_its_transaction_commits(app, tenant, other_tenant):
    with app.app_context(), tenant_context(tenant):
        job_id = enqueue("tests.jobs_kit.write_note", "after commit", tenant=other_tenant)
        assert notes(app, other_tenant) == []  # not before the commit
        db.session.commit()
    assert notes(app, other_tenant) == ["after commit"]
    assert notes(app, tenant) == []
    assert run_record(app, job_id).status == "succeeded"


def test_a_worker_compiles_the_bookkeeping_once_and_keeps_nothing_of_it(app, tenant):
    """What a forked job would otherwise compile again: its run's record and its tenant."""
    with app.app_context():
        db.engine._compiled_cache.clear()  # what a worker has compiled at its start: nothing
        compile_bookkeeping()
        assert db.session.get(JobRun, "-") is None
        compiled_again: list[str] = []

        @sa.event.listens_for(db.engine, "after_cursor_execute")
        def note(connection, cursor, statement, parameters, context, executemany) -> None:
            if context.cache_hit != CacheStats.CACHE_HIT and (
                "job_runs" in statement or "public.tenants" in statement
            ):
                compiled_again.append(statement)

        try:
            with tenant_context(tenant):
                job_id = enqueue("tests.jobs_kit.write_note", "warm", tenant=tenant)
                db.session.commit()
        finally:
            sa.event.remove(db.engine, "after_cursor_execute", note)
    assert run_record(app, job_id).status == "succeeded"
    assert compiled_again == []


def test_what_a_job_changes_is_audited_as_the_job(app, tenant):
    with app.app_context(), tenant_context(tenant):
        enqueue("tests.jobs_kit.add_center", "JOB-1", tenant=tenant)
        db.session.commit()
    with app.app_context(), tenant_context(tenant):
        record = db.session.execute(
            sa.select(AuditRecord).where(AuditRecord.object_type == "study_centers")
        ).scalar_one()
    assert (record.actor_type, record.actor_id) == ("system", "job:tests.jobs_kit.add_center")


def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(app, tenant, redis_queue):
    with app.app_context(), tenant_context(tenant):
        job_id = enqueue("tests.jobs_kit.write_note", "never", tenant=tenant)
        db.session.rollback()
    assert Queue("default", connection=redis_queue).count == 0
    with app.app_context():
        assert (
            db.session.execute(sa.select(OutboxJob).where(OutboxJob.job_id == job_id)).first()
            is None
        )
    set_redis(app, None)
    with app.app_context(), tenant_context(tenant):
        enqueue("tests.jobs_kit.write_note", "never either", tenant=tenant)
        db.session.rollback()
    assert notes(app, tenant) == []


def test_with_redis_the_job_waits_for_a_worker_and_runs_in_its_tenant(
    app, tenant, other_tenant, redis_queue
):
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.write_note", "queued", tenant=other_tenant)
        db.session.commit()
        assert notes(app, other_tenant) == []
        assert Queue("default", connection=redis_queue).count == 1
        work(redis_queue)
    assert notes(app, other_tenant) == ["queued"] and notes(app, tenant) == []
    assert run_record(app, job_id).status == "succeeded"


def unreachable_redis() -> Redis:
    return Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=RedisRetry(NoBackoff(), 0)
    )


@pytest.mark.requirement("A11-16")
def test_with_redis_down_the_write_succeeds_and_its_job_runs_once_redis_is_back(
    app, api_client, tenant, redis_queue, monkeypatch
):
    forget_earlier_jobs(app)
    set_redis(app, unreachable_redis())
    with app.app_context(), tenant_context(tenant):
        db.session.add(Note(text="the write"))
        job_id = enqueue("tests.jobs_kit.write_note", "the job", tenant=tenant)
        db.session.commit()  # does not fail: the job waits in the outbox
    assert notes(app, tenant) == ["the write"]
    with app.app_context():
        waiting = db.session.execute(
            sa.select(OutboxJob).where(OutboxJob.job_id == job_id)
        ).scalar_one()
        assert waiting.dispatched_at is None and "Error" in waiting.dispatch_error
    set_redis(app, redis_queue)  # Redis is back
    with app.app_context(), time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)):
        assert relay_pending() == 1
        assert relay_pending() == 0  # sent once
        work(redis_queue)
    assert notes(app, tenant) == ["the write", "the job"]


def test_an_idempotency_key_makes_a_second_enqueue_a_no_op(app, tenant, redis_queue):
    with app.app_context(), tenant_context(tenant):
        first = enqueue(
            "tests.jobs_kit.write_note", "once", tenant=tenant, idempotency_key="invoice-7"
        )
        second = enqueue(
            "tests.jobs_kit.write_note", "once", tenant=tenant, idempotency_key="invoice-7"
        )
        db.session.commit()
        assert first == second
        work(redis_queue)
    assert notes(app, tenant) == ["once"]


def test_a_job_delivered_twice_has_its_effect_once(app, tenant, redis_queue):
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.write_note", "exactly once", tenant=tenant)
        db.session.commit()
        queue = Queue("default", connection=redis_queue)
        queue.enqueue_job(Job.fetch(job_id, connection=redis_queue))  # as a relay racing would
        work(redis_queue)
    assert notes(app, tenant) == ["exactly once"]
    assert run_record(app, job_id).attempts == 1


@pytest.mark.requirement("A11-16", "E6-4.3.5")
def test_a_failing_job_is_retried_and_succeeds_once(app, tenant, tmp_path, redis_queue):
    with app.app_context():
        job_id = enqueue(
            "tests.jobs_kit.fail_once", str(tmp_path / "marker"), "second try", tenant=tenant
        )
        db.session.commit()
        work(redis_queue)
    assert notes(app, tenant) == ["second try"]
    record = run_record(app, job_id)
    assert (record.status, record.attempts) == ("succeeded", 2)


def test_declared_retries_and_backoff_reach_rq(app, redis_queue):
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.slow_declared", tenant=None)
        db.session.commit()
        queued = Job.fetch(job_id, connection=redis_queue)
    assert (queued.retries_left, queued.retry_intervals, queued.timeout) == (2, [30, 60], 120)


# The worker's scheduler and forked work horses need a real Redis (CI has one).
real_redis = pytest.mark.skipif(
    not os.environ.get("DATACAPT_TEST_REDIS_URL"), reason="needs DATACAPT_TEST_REDIS_URL"
)


@real_redis
def test_a_worker_killed_mid_job_has_the_job_completed_exactly_once(
    app, tenant, tmp_path, redis_queue
):
    with app.app_context():
        job_id = enqueue(
            "tests.jobs_kit.crash_once", str(tmp_path / "marker"), "survivor", tenant=tenant
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "marker").exists()  # the first attempt did die
    assert notes(app, tenant) == ["survivor"]
    assert run_record(app, job_id).status == "succeeded"


def pids_by_note(app, tenant) -> dict[str, int]:
    """The notes of tests.jobs_kit.write_pid: each job's text and the process that ran it."""
    written = (note.rpartition(":") for note in notes(app, tenant) if ":" in note)
    return {text: int(pid) for text, _, pid in written}


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@real_redis
def test_a_work_horse_runs_its_share_of_jobs_and_a_dead_one_loses_only_its_own(
    app, tenant, tmp_path, redis_queue
):
    forget_earlier_jobs(app)
    with app.app_context():
        for text in ("first", "second", "third"):
            enqueue("tests.jobs_kit.write_pid", text, tenant=tenant)
        crashing = enqueue(
            "tests.jobs_kit.crash_once", str(tmp_path / "marker"), "survivor", tenant=tenant
        )
        enqueue("tests.jobs_kit.write_pid", "after the crash", tenant=tenant)
        db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["jobs", "worker", "--burst", "--jobs-per-horse", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "survivor" in notes(app, tenant)
    pids = pids_by_note(app, tenant)
    assert os.getpid() not in pids.values()  # every job ran in a horse, none in the worker
    assert pids["first"] == pids["second"]  # one horse for two jobs
    assert pids["third"] != pids["second"]  # then a new one
    # The third horse died in the crashing job: the next job, and the crashing job's retry,
    # ran in a new one, and nothing else was lost.
    assert pids["after the crash"] not in (pids["first"], pids["third"])
    assert run_record(app, crashing).attempts == 2
    assert all(reaped(pid) for pid in pids.values())  # the worker waited for each horse


@contextlib.contextmanager
def driven_worker(app, connection, **options) -> Iterator[Callable[[], None]]:
    """A forking worker on the default queue, driven a job at a time by the test."""
    with app.app_context():
        engines = list(db.engines.values())
    # What `flask jobs worker` does: a horse does not use the worker's database sockets.
    os.register_at_fork(after_in_child=lambda: [e.dispose(close=False) for e in engines])
    with app.app_context():
        worker = ForkingWorker(["default"], connection=connection, **options)
        worker.bootstrap()
        try:
            yield lambda: worker.execute_job(*worker.dequeue_job_and_maintain_ttl(None))
        finally:
            worker.teardown()


@real_redis
def test_a_horse_killed_while_idle_is_replaced_and_costs_the_next_job_nothing(
    app, tenant, redis_queue
):
    forget_earlier_jobs(app)
    with app.app_context():
        ids = [enqueue("tests.jobs_kit.write_pid", t, tenant=tenant) for t in ("before", "after")]
        db.session.commit()
    with driven_worker(app, redis_queue) as run_next_job:
        run_next_job()
        idle = pids_by_note(app, tenant)["before"]
        os.kill(idle, signal.SIGKILL)
        while Path(f"/proc/{idle}/stat").read_text().split()[2] != "Z":
            time.sleep(0.01)  # dead, not yet waited for
        run_next_job()
    pids = pids_by_note(app, tenant)
    assert pids["after"] != idle
    assert [run_record(app, i).attempts for i in ids] == [1, 1]  # not failed for the death
    assert reaped(idle) and reaped(pids["after"])


@real_redis
def test_a_horse_watched_across_several_beats_answers_once_its_job_is_done(
    app, tenant, redis_queue
):
    forget_earlier_jobs(app)
    with app.app_context():
        slow = enqueue("tests.jobs_kit.slow_note", 2.5, "slow", tenant=tenant)
        quick = enqueue("tests.jobs_kit.write_pid", "quick", tenant=tenant)
        db.session.commit()
    # The watch's alarm cuts the wait for the horse every second, twice in the slow job.
    with driven_worker(app, redis_queue, job_monitoring_interval=1) as run_next_job:
        run_next_job()
        run_next_job()
    assert "slow" in notes(app, tenant)
    assert [run_record(app, i).status for i in (slow, quick)] == ["succeeded", "succeeded"]
    assert [run_record(app, i).attempts for i in (slow, quick)] == [1, 1]


def test_a_job_for_an_unknown_tenant_fails_and_is_recorded(app, tenant, redis_queue):
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.write_note", "lost", tenant="no_such_tenant")
        db.session.commit()
        queue = work(redis_queue)
    assert queue.failed_job_registry.count + queue.scheduled_job_registry.count == 1
    assert run_record(app, job_id).status in ("failed", "refused")
    assert notes(app, tenant) == []


def test_job_arguments_and_functions_are_checked(app, tenant):
    with app.app_context(), pytest.raises(ValueError, match="module-level"):
        enqueue(lambda: None, tenant=tenant)
    with app.app_context(), pytest.raises(ValueError, match="JSON"):
        enqueue("tests.jobs_kit.write_note", object(), tenant=tenant)


def test_worker_and_status_commands_need_redis(app):
    runner = app.test_cli_runner()
    for command in (["jobs", "worker", "--burst"], ["jobs", "status"], ["jobs", "failed"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_status_failed_and_retry_commands(app, tenant, other_tenant, redis_queue):
    with app.app_context():
        failing = enqueue("tests.jobs_kit.always_fails", tenant=tenant)
        enqueue("tests.jobs_kit.always_fails", tenant=other_tenant)
        db.session.commit()
        work(redis_queue)
    runner = app.test_cli_runner()
    status = runner.invoke(args=["jobs", "status"])
    assert "default" in status.output and "outbox: 0 job(s)" in status.output
    failed = runner.invoke(args=["jobs", "failed", "--tenant", tenant.schema_name])
    assert failing in failed.output and "this job always fails" in failed.output
    assert other_tenant.schema_name not in failed.output
    assert runner.invoke(args=["jobs", "retry", failing]).exit_code == 0
    assert Queue("default", connection=redis_queue).count == 1
    assert runner.invoke(args=["jobs", "retry", "no-such-job"]).exit_code == 1


def count_tenants() -> int:
    from datacapt.tenancy.services import list_tenants

    return len(list_tenants())


def test_cron_entries_are_enqueued_by_the_scheduler_and_run(app, tenant, redis_queue):
    entry = CronEntry("count-tenants", "tests.test_jobs.count_tenants", interval=60)
    scheduler = build_scheduler(redis_queue, [entry])
    assert [job.name for job in scheduler.enqueue_jobs()] == ["count-tenants"]
    assert scheduler.enqueue_jobs() == []  # not due again before its interval
    (queued,) = Queue("default", connection=redis_queue).get_jobs()
    with app.app_context():
        work(redis_queue)
    assert queued.latest_result().return_value >= 1


def test_without_redis_cron_runs_in_process(app, tenant):
    ran = []
    entry = CronEntry("count-tenants", "tests.test_jobs.count_tenants", interval=3600)
    since = utcnow()
    with app.app_context():
        run_in_process([entry], sleep=ran.append, rounds=2)
        recorded = (
            db.session.execute(
                sa.select(JobRun.status).where(
                    JobRun.func == "datacapt.jobs.cron.tick", JobRun.started_at >= since
                )
            )
            .scalars()
            .all()
        )
    assert len(ran) == 2 and ran[-1] > 3000  # ran once, then sleeps until due again
    assert "succeeded" in recorded


def test_cron_entry_needs_exactly_one_schedule():
    with pytest.raises(ValueError, match="exactly one"):
        CronEntry("x", "tests.test_jobs.count_tenants")
    with pytest.raises(ValueError, match="exactly one"):
        CronEntry("x", "tests.test_jobs.count_tenants", cron="* * * * *", interval=5)


def test_the_core_registers_its_periodic_jobs(app):
    from datacapt.jobs.cron import cron_entries

    with app.app_context():
        names = {entry.name: entry for entry in cron_entries()}
    assert names["jobs-relay"].interval == 30 and names["jobs-relay"].plugin is None
    assert names["audit-chain-heads"].func == "datacapt.audit.jobs.record_chain_heads"


@real_redis
def test_the_worker_command_runs_queued_jobs_in_itself_with_no_fork(app, tenant, redis_queue):
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.write_note", "by the worker", tenant=tenant)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst", "--no-fork"])
    assert result.exit_code == 0, result.output
    assert notes(app, tenant) == ["by the worker"]
    assert run_record(app, job_id).status == "succeeded"


def later(seconds: float) -> time_machine.travel:
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def forget_earlier_jobs(app) -> None:
    """The outbox is shared: jobs earlier tests left unrun are not for this test's relay."""
    with app.app_context():
        db.session.execute(sa.delete(OutboxJob))
        db.session.commit()


def test_jobs_redis_loses_are_sent_again_and_have_their_effect_once(
    app, tenant, redis_queue, tmp_path, monkeypatch
):
    forget_earlier_jobs(app)
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path}")
    with app.test_request_context(), tenant_context(tenant):
        notify(
            "password_reset",
            Channel.EMAIL,
            Recipient(RecipientKind.USER, None, "reader@example.org"),
            {"name": "Lea", "tenant": "Acme", "minutes": 60, "nonce": "n"},
        )
        job_id = enqueue("tests.jobs_kit.write_note", "survives", tenant=tenant)
        db.session.commit()
    assert Queue("default", connection=redis_queue).count == 2
    redispatch_after = app.config["JOBS_REDISPATCH_AFTER"]
    with app.app_context(), later(redispatch_after + 10):
        assert relay_pending() == 0  # a long backlog: Redis still holds them
    redis_queue.flushdb()  # Redis loses its data (a restart without persistence, a failover)
    with app.app_context():
        assert relay_pending() == 0  # too early to call them lost
        with later(redispatch_after + 10):
            assert relay_pending() == 2
            assert relay_pending() == 0  # sent again once
        work(redis_queue)
        with later(3 * redispatch_after):
            assert relay_pending() == 0  # they ran: their rows are done
        done = db.session.execute(
            sa.select(OutboxJob.done_at).where(OutboxJob.job_id == job_id)
        ).scalar_one()
    assert done is not None
    assert notes(app, tenant) == ["survives"]
    assert run_record(app, job_id).attempts == 1
    assert len(list(tmp_path.glob("*.eml"))) == 1
    with app.app_context(), tenant_context(tenant):
        email = db.session.execute(sa.select(Notification)).scalar_one()
        assert (email.state, email.attempts) == ("sent", 1)


@real_redis
def test_a_worker_killed_as_a_whole_has_its_job_requeued_within_a_minute_and_run_once(
    app, tenant, tmp_path, redis_queue
):
    forget_earlier_jobs(app)
    marker = tmp_path / "marker"
    with app.app_context():
        job_id = enqueue("tests.jobs_kit.hang_once", str(marker), "after the death", tenant=tenant)
        db.session.commit()
    worker = os.fork()
    if worker == 0:  # the worker process, in its own process group
        os.setpgrp()
        try:
            with app.app_context():
                db.engine.dispose(close=False)
            app.test_cli_runner().invoke(args=["jobs", "worker"])
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        os.killpg(worker, signal.SIGKILL)  # the worker and its scheduler
        if marker.exists() and marker.read_text():
            os.kill(int(marker.read_text()), signal.SIGKILL)  # and the work horse
        os.waitpid(worker, 0)
    queue = Queue("default", connection=redis_queue)
    assert job_id in queue.started_job_registry  # RQ still thinks it runs
    with app.app_context():
        relay_pending()
        assert queue.count == 0  # its worker may only be slow yet
        with later(30):
            relay_pending()
            assert queue.count == 1  # requeued, 30 s after the death
        work(redis_queue)
    assert notes(app, tenant) == ["after the death"]
    record = run_record(app, job_id)
    assert (record.status, record.attempts) == ("succeeded", 2)
