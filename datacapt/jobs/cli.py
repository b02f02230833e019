"""flask jobs worker | cron | relay | status | failed | retry."""

from __future__ import annotations

import os
import time
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job

from datacapt.console import echo_json, echo_table, json_option, reports_errors
from datacapt.database import db, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.jobs.connection import redis_connection
from datacapt.jobs.cron import build_scheduler, cron_entries, run_in_process
from datacapt.jobs.models import OutboxJob
from datacapt.jobs.queue import DEFAULT_QUEUE, compile_bookkeeping, relay_pending
from datacapt.jobs.worker import ForkingWorker, InProcessWorker

jobs_cli = AppGroup("jobs", help="Background jobs.")


def _require_redis():
    connection = redis_connection()
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in process")
    return connection


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, help="Queue to serve (repeatable).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--fork/--no-fork",
    default=True,
    show_default=True,
    help="Run jobs in a forked work horse (a crash or kill loses only the job it was"
    " running, which is retried) or in the worker itself (no isolation).",
)
@click.option(
    "--jobs-per-horse",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Jobs a forked work horse runs before the next one is forked (1: one per job).",
)
def worker_command(queues: tuple[str, ...], burst: bool, fork: bool, jobs_per_horse: int) -> None:
    """Run a worker that executes each job inside its tenant (retries need its scheduler)."""
    connection = _require_redis()
    engines = list(db.engines.values())

    def forget_parent_connections() -> None:
        # A forked job must not reuse the parent's pooled database sockets.
        for engine in engines:
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=forget_parent_connections)
    # Mapped classes are set up, and the bookkeeping's statements compiled, once here, not
    # again in every forked job.
    sa.orm.configure_mappers()
    compile_bookkeeping()
    relayed = relay_pending()
    if relayed:
        click.echo(f"relayed {relayed} job(s) left in the outbox")
    names = list(queues or (DEFAULT_QUEUE,))
    current_app.logger.info("Worker serving %s", ", ".join(names))
    worker = (
        ForkingWorker(names, connection=connection, jobs_per_horse=jobs_per_horse)
        if fork
        else InProcessWorker(names, connection=connection)
    )
    worker.work(burst=burst, with_scheduler=True)


@jobs_cli.command("cron")
def cron_command() -> None:
    """Enqueue the periodic jobs on time (without Redis: run them here, in process)."""
    entries = cron_entries()
    for entry in entries:
        click.echo(f"{entry.name}: {entry.cron or f'every {entry.interval} s'} -> {entry.func}")
    connection = redis_connection()
    if connection is None:
        click.echo("REDIS_URL is not set: running the periodic jobs in this process")
        run_in_process(entries, sleep=time.sleep)
    else:
        build_scheduler(connection, entries).start()


@jobs_cli.command("relay")
def relay_command() -> None:
    """Send now the outbox jobs still waiting for Redis or lost by it, and requeue the jobs
    of dead workers."""
    click.echo(f"relayed {relay_pending()} job(s)")


@jobs_cli.command("status")
@json_option
def status_command(as_json: bool) -> None:
    """Each queue's waiting, running, scheduled and failed jobs, and the outbox backlog."""
    connection = _require_redis()
    queues = [
        {
            "queue": queue.name,
            "waiting": queue.count,
            "running": queue.started_job_registry.count,
            "scheduled": queue.scheduled_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }
        for queue in Queue.all(connection=connection)
        or [Queue(DEFAULT_QUEUE, connection=connection)]
    ]
    waiting, in_flight = db.session.execute(
        sa.select(
            sa.func.count().filter(OutboxJob.dispatched_at.is_(None)),
            sa.func.count().filter(
                OutboxJob.dispatched_at.is_not(None), OutboxJob.done_at.is_(None)
            ),
        )
    ).one()
    if as_json:
        echo_json({"queues": queues, "outbox": {"waiting": waiting, "in_flight": in_flight}})
        return
    echo_table(
        ("QUEUE", "WAITING", "RUNNING", "SCHEDULED", "FAILED"),
        [tuple(str(v) for v in q.values()) for q in queues],
    )
    click.echo(f"outbox: {waiting} job(s) not yet sent to Redis, {in_flight} sent and not yet run")


def _tenant_and_function(job: Job) -> tuple[str | None, str]:
    """What an RQ job runs: run_job(job_id, schema, path, ...) names its tenant and function;
    a cron tick, run_tick(path, func, ...), is a platform job running ``func``."""
    func_name = job.func_name or ""  # RQ types it optional
    if func_name.endswith(".run_job"):
        return job.args[1], job.args[2]
    if func_name.endswith(".run_tick"):
        return None, job.args[1]
    return None, func_name


@jobs_cli.command("failed")
@click.option("--tenant", "schema", help="Only this tenant's jobs.")
@json_option
def failed_command(schema: str | None, as_json: bool) -> None:
    """Failed jobs with their tenant and last error line."""
    connection = _require_redis()
    failed: list[dict[str, Any]] = []
    for queue in Queue.all(connection=connection):
        for job_id in queue.failed_job_registry.get_job_ids():
            job = queue.fetch_job(job_id)
            if job is None:
                continue
            tenant, function = _tenant_and_function(job)
            if schema and tenant != schema:
                continue
            result = job.latest_result()
            error = (
                (result.exc_string or "").strip().splitlines()[-1]
                if result and result.exc_string
                else ""
            )
            failed.append(
                {
                    "job": job.id,
                    "queue": queue.name,
                    "tenant": tenant,
                    "function": function,
                    "error": error,
                    "ended_at": job.ended_at,
                }
            )
    if as_json:
        echo_json(failed)
    elif failed:
        echo_table(
            ("JOB", "QUEUE", "TENANT", "FUNCTION", "ERROR"),
            [
                (f["job"], f["queue"], f["tenant"] or "platform", f["function"], f["error"][:120])
                for f in failed
            ],
        )
    else:
        click.echo("No failed jobs.")


@jobs_cli.command("retry")
@click.argument("job_id")
@reports_errors
def retry_command(job_id: str) -> None:
    """Put a failed job back on its queue."""
    connection = _require_redis()
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.JOB_NOT_FOUND, f"No job {job_id}"
        ) from None
    try:
        job.requeue()
    except InvalidJobOperation:
        raise DatacaptException(
            ErrorCode.CONFLICT, InternalCodes.CONFLICT, f"Job {job_id} has not failed"
        ) from None
    # Its outbox row is watched again, so this run too is sent again if Redis loses it.
    db.session.execute(
        sa.update(OutboxJob)
        .where(OutboxJob.job_id == job_id)
        .values(done_at=None, dispatched_at=utcnow())
    )
    click.echo(f"Job {job_id} is queued again")
