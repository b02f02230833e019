"""enqueue(): a job stored in the caller's transaction (the outbox), sent after its commit.

A job enqueued in a transaction that rolls back never runs; one whose transaction commits
is sent to RQ (or, without Redis, run here) right after the commit. If Redis cannot take
it then, it stays in the outbox and the relay (`flask jobs relay`, run every 30 s by the
scheduler and at each worker start) sends it when Redis is back. The row stays in the
outbox until its job has run: a job sent but not run after JOBS_REDISPATCH_AFTER seconds
that Redis no longer holds (Redis lost its data, or failed over) is sent again. A job's run
is recorded in ``job_runs``; its effect commits with the record of its success, so a job
delivered twice, or retried after a crash, has its effect once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert
from werkzeug.utils import import_string

from datacapt.database import db, schema_scope, utcnow
from datacapt.database.audited import Actor, acting_as
from datacapt.database.deferred import drop_rolled_back, keep, take_committed
from datacapt.database.session import ScopedSchemaSession
from datacapt.database.unit import owned_by, unit_of_work
from datacapt.errors import DatacaptException
from datacapt.jobs.connection import redis_connection
from datacapt.jobs.models import JobRun, OutboxJob
from datacapt.jobs.options import options_of
from datacapt.jobs.worker import requeue_abandoned
from datacapt.slots import Slot
from datacapt.tenancy.context import TenantRef, get_tenant, tenant_context

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "default"
RELAY_DELAY = dt.timedelta(seconds=5)
#: Where a transaction keeps the ids of the jobs it enqueued, sent once it commits.
OUTBOX = "outbox"

JobGuard = Callable[[TenantRef, str], None]
_GUARD: Slot[JobGuard] = Slot("datacapt.job_guard")


def register_job_guard(app: Flask, guard: JobGuard) -> None:
    """Set what checks a tenant's job before it runs: ``guard(tenant, path)`` raises a
    DatacaptException to refuse it (a plugin's job where the plugin is not enabled)."""
    _GUARD.fill(app, guard)


def _dotted_path(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    path = f"{func.__module__}.{func.__qualname__}"
    if "<" in path:
        raise ValueError(f"{path} is not importable: jobs must be module-level functions")
    return path


def enqueue(
    func: Callable[..., Any] | str,
    *args: Any,
    tenant: TenantRef | str | None,
    queue: str = DEFAULT_QUEUE,
    idempotency_key: str | None = None,
    **kwargs: Any,
) -> str:
    """Run ``func(*args, **kwargs)`` as a job in ``tenant`` once the current transaction commits.

    The tenant is a required keyword (None: a platform job) so that no job runs in an
    implied tenant. Arguments must be JSON values. With an ``idempotency_key``, a second
    enqueue with the same key in the same tenant returns the first job's id and adds
    nothing. Returns the job id.
    """
    path = _dotted_path(func)
    options = options_of(import_string(path))
    schema = tenant.schema_name if isinstance(tenant, TenantRef) else tenant
    try:
        json.dumps([args, kwargs])
    except TypeError as exc:
        raise ValueError(f"job arguments must be JSON values: {exc}") from exc
    job_id = uuid.uuid4().hex
    inserted = db.session.execute(
        insert(OutboxJob)
        .values(
            job_id=job_id,
            tenant_schema=schema,
            func=path,
            args=list(args),
            kwargs=kwargs,
            queue=queue,
            idempotency_key=idempotency_key,
            retries=options.retries,
            backoff=list(options.backoff),
            timeout=options.timeout,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(OutboxJob.job_id)
    ).scalar_one_or_none()
    if inserted is None:
        return db.session.execute(
            sa.select(OutboxJob.job_id).where(
                sa.func.coalesce(OutboxJob.tenant_schema, "") == (schema or ""),
                OutboxJob.idempotency_key == idempotency_key,
            )
        ).scalar_one()
    keep(db.session(), OUTBOX, job_id)
    return job_id


@event.listens_for(ScopedSchemaSession, "after_commit")
def _send_after_commit(session: ScopedSchemaSession) -> None:
    job_ids = take_committed(session, OUTBOX)
    if job_ids:
        dispatch(job_ids)


@event.listens_for(ScopedSchemaSession, "after_rollback")
def _forget_after_rollback(session: ScopedSchemaSession) -> None:
    drop_rolled_back(session, OUTBOX)


def dispatch(job_ids: Iterable[str], attempts_made: dict[str, int] | None = None) -> int:
    """Send committed outbox jobs to RQ (or run them here without Redis); returns how many.

    Without ``attempts_made``, the jobs not sent yet; with it, jobs sent before and lost,
    sent again with the retries their ``attempts_made`` left. A job Redis cannot take
    stays in the outbox with the error, for the relay.
    """
    connection = redis_connection()
    sent = 0
    again = attempts_made is not None
    with db.engine.begin() as outbox:
        rows = outbox.execute(
            sa.select(OutboxJob)
            .where(
                OutboxJob.job_id.in_(list(job_ids)),
                OutboxJob.dispatched_at.is_not(None)
                if again
                else OutboxJob.dispatched_at.is_(None),
                OutboxJob.done_at.is_(None),
            )
            .order_by(OutboxJob.id)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            if connection is not None:
                try:
                    _push(row, connection, (attempts_made or {}).get(row.job_id, 0))
                except RedisError as exc:
                    log.warning(
                        "Redis did not take job %s (%s); the relay will retry", row.job_id, exc
                    )
                    outbox.execute(
                        sa.update(OutboxJob)
                        .where(OutboxJob.id == row.id)
                        .values(dispatch_error=str(exc))
                    )
                    continue
            outbox.execute(
                sa.update(OutboxJob)
                .where(OutboxJob.id == row.id)
                .values(dispatched_at=utcnow(), dispatch_error=None)
            )
            sent += 1
    if connection is None:
        # Run once their rows are marked and unlocked: each run marks its row done.
        for row in rows:
            _run_here(row)
    return sent


def relay_pending() -> int:
    """Send the outbox jobs that are still waiting (Redis was down at their commit), put
    back on their queue the jobs of dead workers, and send again the jobs Redis lost.
    Returns how many jobs were sent."""
    cutoff = utcnow() - RELAY_DELAY
    with db.engine.connect() as connection:
        waiting = (
            connection.execute(
                sa.select(OutboxJob.job_id).where(
                    OutboxJob.dispatched_at.is_(None), OutboxJob.created_at <= cutoff
                )
            )
            .scalars()
            .all()
        )
    sent = dispatch(waiting) if waiting else 0
    redis = redis_connection()
    try:
        if redis is not None:
            requeue_abandoned(Queue.all(connection=redis))
        return sent + redispatch_lost()
    except RedisError as exc:
        # What Redis holds cannot be known now: nothing is sent again until it answers.
        log.warning("Redis did not answer the relay (%s); lost jobs are sent later", exc)
        return sent


def redispatch_lost() -> int:
    """Send again the jobs sent JOBS_REDISPATCH_AFTER seconds ago or more that have not run
    and that Redis no longer holds; returns how many.

    Not run: no run started, or the last attempt failed (its retry was lost with Redis), or
    an attempt started longer ago than the job's time limit allows (its worker died with
    Redis's record of it). A job Redis still holds is left to RQ, even if it waits long in
    a backlog; one RQ holds as failed for good is done. Sending twice is harmless: a job
    whose success is recorded does not run again.
    """
    now = utcnow()
    after = dt.timedelta(seconds=current_app.config["JOBS_REDISPATCH_AFTER"])
    time_limit = sa.func.make_interval(
        0, 0, 0, 0, 0, 0, sa.func.coalesce(OutboxJob.timeout, Queue.DEFAULT_TIMEOUT)
    )
    with db.engine.connect() as connection:
        candidates = connection.execute(
            sa.select(OutboxJob.job_id, sa.func.coalesce(JobRun.attempts, 0))
            .outerjoin(JobRun, JobRun.job_id == OutboxJob.job_id)
            .where(
                OutboxJob.dispatched_at.is_not(None),
                OutboxJob.done_at.is_(None),
                OutboxJob.dispatched_at <= now - after,
                sa.or_(
                    JobRun.status.is_(None),
                    JobRun.status == "failed",
                    sa.and_(
                        JobRun.status == "started",
                        JobRun.started_at <= now - after - time_limit,
                    ),
                ),
            )
            .order_by(OutboxJob.id)
        ).all()
    if not candidates:
        return 0
    redis = redis_connection()
    lost, failed = {}, []
    for job_id, attempts in candidates:
        status = _status_in_redis(redis, job_id)
        if status is None:
            lost[job_id] = attempts
        elif status == JobStatus.FAILED:
            failed.append(job_id)
    if failed:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(OutboxJob).where(OutboxJob.job_id.in_(failed)).values(done_at=now)
            )
    if lost:
        log.warning("Sending again %d job(s) that Redis lost: %s", len(lost), ", ".join(lost))
    return dispatch(lost, attempts_made=lost) if lost else 0


def _status_in_redis(redis: Any, job_id: str) -> JobStatus | None:
    """What Redis holds of a job (None: nothing; without Redis, a job is never held)."""
    if redis is None:
        return None
    try:
        return Job.fetch(job_id, connection=redis).get_status(refresh=False)
    except NoSuchJobError:
        return None


def _push(row: Any, connection: Any, attempts_made: int = 0) -> None:
    # A job sent again keeps only the retries its earlier attempts left.
    retries = max(0, row.retries - attempts_made)
    retry = Retry(max=retries, interval=list(row.backoff) or 0) if retries else None
    Queue(row.queue, connection=connection).enqueue(
        run_job,
        row.job_id,
        row.tenant_schema,
        row.func,
        row.args,
        row.kwargs,
        job_id=row.job_id,
        retry=retry,
        job_timeout=row.timeout,
        description=f"{row.func} [{row.tenant_schema or 'platform'}]",
    )


def _run_here(row: Any) -> None:
    try:
        run_job(row.job_id, row.tenant_schema, row.func, row.args, row.kwargs)
    except Exception:
        # As on a worker, a failing job never fails the code that enqueued it.
        log.exception("Job %s %s failed (tenant %s)", row.job_id, row.func, row.tenant_schema)


def _start(job_id: str, schema: str | None, path: str) -> bool:
    """Record an attempt; False when the job already succeeded (a duplicate delivery)."""
    with db.engine.begin() as connection:
        return _record_start(connection, job_id, schema, path)


def _record_start(connection: Any, job_id: str, schema: str | None, path: str) -> bool:
    started = connection.execute(
        insert(JobRun)
        .values(
            job_id=job_id,
            tenant_schema=schema,
            func=path,
            status="started",
            attempts=1,
            started_at=utcnow(),
        )
        .on_conflict_do_update(
            index_elements=[JobRun.job_id],
            set_={
                "status": "started",
                "attempts": JobRun.attempts + 1,
                "started_at": utcnow(),
                "error": None,
            },
            where=JobRun.status != "succeeded",
        )
        .returning(JobRun.job_id)
    ).scalar_one_or_none()
    return started is not None


def _end(job_id: str, status: str, error: str | None = None) -> None:
    """Record a failed or refused attempt; its outbox row is done when no retry follows."""
    current = get_current_job()
    final = status == "refused" or current is None or not current.retries_left
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(JobRun)
            .where(JobRun.job_id == job_id)
            .values(status=status, error=error, finished_at=utcnow())
        )
        if final:
            _mark_done(connection, job_id)


def _mark_done(connection: Any, job_id: str) -> None:
    connection.execute(
        sa.update(OutboxJob).where(OutboxJob.job_id == job_id).values(done_at=utcnow())
    )


def run_job(job_id: str, schema: str | None, path: str, args: list, kwargs: dict[str, Any]) -> Any:
    """The entry point of every job: enter its tenant, call the function, and commit its
    work together with the record of its success.

    A plugin's job in a tenant without the plugin is refused: recorded, never retried.
    """
    if not _start(job_id, schema, path):
        log.info("Job %s already succeeded; not run again", job_id)
        return None
    func = import_string(path)
    try:
        # What the job changes is audited as the job's doing.
        with owned_by("job"), acting_as(Actor("system", f"job:{path}", f"job {path}")):
            if schema is None:
                # A session of its own, as a tenant job has: nothing a failed job left
                # pending reaches the next one (or the caller that ran it in process).
                with schema_scope(None):
                    return _call_and_commit(job_id, func, args, kwargs)
            with tenant_context(schema) as tenant:
                _GUARD.get()(tenant, path)
                return _call_and_commit(job_id, func, args, kwargs)
    except DatacaptException as exc:
        _end(job_id, "refused", str(exc.message))
        current = get_current_job()
        if current is not None:
            current.retries_left = 0  # a refusal is final
        raise
    except Exception as exc:
        _end(job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise


def _call_and_commit(
    job_id: str, func: Callable[..., Any], args: list, kwargs: dict[str, Any]
) -> Any:
    with unit_of_work():
        status = _lock_run(db.session, job_id)
        assert status is not None  # its start is recorded before it runs
        if status == "succeeded":
            log.info("Job %s already succeeded; not run again", job_id)
            return None
        result = func(*args, **kwargs)
        _record_success(db.session, job_id)
    return result


def _lock_run(connection: Any, job_id: str) -> str | None:
    # The run's record stays locked until the commit: a second delivery of the job running
    # at the same time (a worker thought dead, a job sent again) waits, then finds the
    # success and does nothing.
    return connection.execute(
        sa.select(JobRun.status).where(JobRun.job_id == job_id).with_for_update()
    ).scalar_one_or_none()


def _record_success(connection: Any, job_id: str) -> None:
    connection.execute(
        sa.update(JobRun)
        .where(JobRun.job_id == job_id)
        .values(status="succeeded", finished_at=utcnow())
    )
    _mark_done(connection, job_id)


def compile_bookkeeping() -> None:
    """Compile, once in a worker, the statements of every job's bookkeeping: a forked work
    horse then finds them in the engine's cache instead of compiling them again, and what a
    work horse compiles dies with it. Nothing is kept: each transaction rolls back."""
    unknown = "-"  # no job, no tenant has this name
    with db.engine.connect() as connection:
        _record_start(connection, unknown, None, unknown)
        connection.rollback()
    with schema_scope(None):
        with suppress(DatacaptException):  # not found, as expected: the lookup is compiled
            get_tenant(unknown)
        _lock_run(db.session, unknown)
        _record_success(db.session, unknown)
        db.session.rollback()
