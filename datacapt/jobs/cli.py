"""flask jobs worker: run RQ workers inside the app."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from rq import Worker

from datacapt.database import db
from datacapt.jobs.connection import redis_connection
from datacapt.jobs.queue import DEFAULT_QUEUE

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, help="Queue to serve (repeatable).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run a worker that executes each job inside its tenant."""
    connection = redis_connection()
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in process")
    engines = list(db.engines.values())

    def forget_parent_connections() -> None:
        # A forked job must not reuse the parent's pooled database sockets.
        for engine in engines:
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=forget_parent_connections)
    current_app.logger.info("Worker serving %s", ", ".join(queues or (DEFAULT_QUEUE,)))
    Worker(list(queues or (DEFAULT_QUEUE,)), connection=connection).work(burst=burst)
