"""enqueue(): run a function as a job inside a named tenant, on RQ or in process."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from rq import Queue
from werkzeug.utils import import_string

from datacapt.jobs.connection import redis_connection
from datacapt.tenancy.context import TenantRef, tenant_context

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "default"


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
    **kwargs: Any,
) -> str:
    """Run ``func(*args, **kwargs)`` as a job in ``tenant`` (None: a platform-wide job).

    The tenant is a required keyword so that no job ever runs in an implied tenant. With
    Redis configured the job goes to RQ; without, it runs now, in this process, and a
    failure is logged, not raised. Returns the job id.
    """
    path = _dotted_path(func)
    schema = tenant.schema_name if isinstance(tenant, TenantRef) else tenant
    connection = redis_connection()
    if connection is None:
        job_id = uuid.uuid4().hex
        log.info("Running job %s %s in process (tenant %s)", job_id, path, schema)
        try:
            run_job(schema, path, args, kwargs)
        except Exception:
            # As on a worker, a failing job never fails the code that enqueued it.
            log.exception("Job %s %s failed (tenant %s)", job_id, path, schema)
        return job_id
    job = Queue(queue, connection=connection).enqueue(
        run_job, schema, path, args, kwargs, description=f"{path} [{schema or 'platform'}]"
    )
    return job.id


def run_job(schema: str | None, path: str, args: tuple, kwargs: dict[str, Any]) -> Any:
    """The entry point of every job: enter the job's tenant, then call the function.

    A plugin's job is refused (and so recorded as failed) in a tenant without the plugin.
    """
    # Imported here: the plugin package imports the jobs package at load time.
    from datacapt.plugins.gating import ensure_job_allowed

    func = import_string(path)
    if schema is None:
        return func(*args, **kwargs)
    with tenant_context(schema) as tenant:
        ensure_job_allowed(tenant, path)
        return func(*args, **kwargs)
