"""flask jobs worker | cron: RQ workers and the periodic-job scheduler, inside the app."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from rq import Worker

from datacapt.database import db
from datacapt.jobs.connection import redis_connection
from datacapt.jobs.cron import build_scheduler, cron_entries
from datacapt.jobs.queue import DEFAULT_QUEUE

jobs_cli = AppGroup("jobs", help="Background jobs.")


def _require_redis():
    connection = redis_connection()
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in process")
    return connection


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, help="Queue to serve (repeatable).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run a worker that executes each job inside its tenant."""
    connection = _require_redis()
    engines = list(db.engines.values())

    def forget_parent_connections() -> None:
        # A forked job must not reuse the parent's pooled database sockets.
        for engine in engines:
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=forget_parent_connections)
    current_app.logger.info("Worker serving %s", ", ".join(queues or (DEFAULT_QUEUE,)))
    Worker(list(queues or (DEFAULT_QUEUE,)), connection=connection).work(burst=burst)


@jobs_cli.command("cron")
def cron_command() -> None:
    """Run the scheduler that enqueues the registered periodic jobs on time."""
    entries = cron_entries()
    for entry in entries:
        click.echo(f"{entry.name}: {entry.cron or f'every {entry.interval} s'} -> {entry.func}")
    if not entries:
        click.echo("No periodic jobs are registered; the scheduler idles.")
    build_scheduler(_require_redis(), entries).start()
