"""RQ workers whose death is noticed within a minute.

A worker beats every HEARTBEAT seconds while it runs a job; a job's entry in its queue's
started registry lasts STARTED_TTL seconds past the last beat. A worker killed as a whole
(worker and work horse) stops beating, so its job's entry expires at most STARTED_TTL
seconds later, and the next maintenance round of any living worker (every MAINTENANCE
seconds) or of the relay puts the job back on its queue as a retry. RQ's defaults (beats
every 30 s, entries lasting 90 s, maintenance every 10 minutes, an idle worker waking
every 405 s) took up to a quarter of an hour.
"""

from __future__ import annotations

import threading
from typing import Any

from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.registry import clean_registries
from rq.worker import WorkerStatus

HEARTBEAT = 5
STARTED_TTL = 15  # three beats: one missed beat (a slow Redis) is not a death
MAINTENANCE = 10
# An idle worker waits WORKER_TTL - 15 s for a job before beating and maintaining again.
WORKER_TTL = 20


class _QuickHeartbeats:
    """Settings and started-entry lifetime shared by both kinds of worker."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # RQ adds 60 s to every beat; the job's own time limit still ends a stuck job.
        return STARTED_TTL


class ForkingWorker(_QuickHeartbeats, Worker):
    """Each job in a forked work horse, which the worker watches and beats for."""


class InProcessWorker(_QuickHeartbeats, SimpleWorker):
    """Each job in the worker itself; a thread beats for it while it runs (RQ's
    SimpleWorker does not, so its job's entry would have to outlast the job)."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.job_monitoring_interval):
                self.maintain_heartbeats(job, execution)

        beating = threading.Thread(target=beat, name=f"heartbeat {job.id}", daemon=True)
        beating.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            done.set()
            beating.join()
        self.set_state(WorkerStatus.IDLE)


def requeue_abandoned(queues: list[Queue]) -> None:
    """Put back the jobs whose worker died (their started entry expired): retried if they
    have retries left, else failed, as RQ's own maintenance does (and under its lock, so
    two cleaners never requeue one job twice)."""
    for queue in queues:
        if queue.acquire_maintenance_lock():
            try:
                clean_registries(queue)
            finally:
                queue.release_maintenance_lock()
