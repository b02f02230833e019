"""RQ workers whose death is noticed within a minute.

A worker beats every HEARTBEAT seconds while it runs a job; a job's entry in its queue's
started registry lasts STARTED_TTL seconds past the last beat. A worker killed as a whole
(worker and work horse) stops beating, so its job's entry expires at most STARTED_TTL
seconds later, and the next maintenance round of any living worker (every MAINTENANCE
seconds) or of the relay puts the job back on its queue as a retry. RQ's defaults (beats
every 30 s, entries lasting 90 s, maintenance every 10 minutes, an idle worker waking
every 405 s) took up to a quarter of an hour.

The forking worker keeps its work horse for up to ``jobs_per_horse`` jobs: forking a horse
per job cost about 30 ms of every job (the fork, the copied memory, a new database
connection and every statement compiled again), three times a trivial job's own cost. The
worker still watches the horse through each job exactly as RQ does (its time limit, a stop
command, heartbeats), and a horse that dies loses only the job it was running, which is
retried; the next job gets a new horse. Between its jobs a horse keeps only what a process
keeps: its database and Redis connections and compiled statements, each job running in
its own tenant scope and unit of work.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import threading
from dataclasses import dataclass
from typing import Any

from rq import Queue, SimpleWorker, Worker
from rq.executions import Execution
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


@dataclass
class _Horse:
    """A forked work horse: its process, the pipe the worker sends it jobs through and
    the one it answers on, and how many jobs it was given."""

    pid: int
    jobs: int  # the worker's end of the job pipe
    replies: int  # the worker's end of the reply pipe
    given: int = 0


DONE = b"."  # a horse's answer: the job went through RQ's whole handling


class ForkingWorker(_QuickHeartbeats, Worker):
    """Each job in a forked work horse, which the worker watches and beats for; a horse
    runs up to ``jobs_per_horse`` jobs, one at a time."""

    def __init__(self, *args: Any, jobs_per_horse: int = 100, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobs_per_horse = jobs_per_horse
        self._horse: _Horse | None = None
        self._outcome: tuple[int | None, int | None, Any] | None = None

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        """Give the job to the horse, forked first if there is none alive."""
        if self._horse is not None and _exited(self._horse.pid):
            self._end_horse(reaped=True)  # it died idle (killed): the job goes to a new one
        if self._horse is None:
            self._horse = self._fork_horse()
        horse = self._horse
        horse.given += 1
        self._horse_pid = horse.pid  # what RQ's monitor, stop command and kill act on
        request = f"{job.id} {queue.name} {self.execution.id}\n"  # type: ignore[union-attr]
        # A horse that died since: the wait finds it dead and fails the job (retried).
        with contextlib.suppress(BrokenPipeError):
            os.write(horse.jobs, request.encode())

    def wait_for_horse(self) -> tuple[int | None, int | None, Any]:
        """The horse's answer for the job (its pid and EX_OK), or, when it died, its exit
        status as RQ's own wait gives it."""
        # An outcome kept from a call the watch's alarm cut on its return is given first.
        if self._outcome is None:
            horse = self._horse
            if horse is None:
                return None, None, None
            # The watch's alarm (RQ's, every few seconds, to beat) may end this wait:
            # nothing is read yet. What is read is kept before the alarm can interrupt.
            select.select([horse.replies], [], [])
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            try:
                self._outcome = self._answer(horse)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        outcome, self._outcome = self._outcome, None
        return outcome

    def _answer(self, horse: _Horse) -> tuple[int | None, int | None, Any]:
        if os.read(horse.replies, 1) != DONE:
            return self._end_horse()  # it died: its exit status
        if horse.given >= self.jobs_per_horse:
            self._end_horse()  # its share done, it has left
        return horse.pid, os.EX_OK, None

    def teardown(self) -> None:
        if not self.is_horse and self._horse is not None:
            self._end_horse()  # its job pipe closed, an idle horse leaves
        super().teardown()

    def _end_horse(self, reaped: bool = False) -> tuple[int | None, int | None, Any]:
        """Close the horse's pipes (an idle horse then leaves) and wait for its exit."""
        horse, self._horse = self._horse, None
        assert horse is not None
        os.close(horse.jobs)
        os.close(horse.replies)
        if reaped:
            return horse.pid, None, None
        return os.wait4(horse.pid, 0)

    def _fork_horse(self) -> _Horse:
        jobs_read, jobs_write = os.pipe()
        replies_read, replies_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.setpgrp()
            os.close(jobs_write)
            os.close(replies_read)
            self._serve(os.fdopen(jobs_read, "rb"), replies_write)
        os.close(jobs_read)
        os.close(replies_write)
        return _Horse(pid, jobs_write, replies_read)

    def _serve(self, jobs: Any, replies: int) -> None:
        """The horse: run each job the worker sends, as RQ's own horse runs its one, and
        answer; leave when the worker closes the pipe or after ``jobs_per_horse`` jobs."""
        random.seed()
        self.setup_work_horse_signals()
        self._is_horse = True
        try:
            for _ in range(self.jobs_per_horse):
                request = jobs.readline()
                if not request:
                    break
                job_id, queue_name, execution_id = request.decode().split()
                self.perform_job(*self._fetch(job_id, queue_name, execution_id))
                os.write(replies, DONE)
        except BaseException:
            os._exit(1)  # the worker sees the horse die and fails the job, as in RQ
        os._exit(0)

    def _fetch(self, job_id: str, queue_name: str, execution_id: str) -> tuple[Any, ...]:
        """The job, its queue and its execution as the worker prepared them, from Redis."""
        job = self.job_class.fetch(job_id, connection=self.connection, serializer=self.serializer)
        queue = self.queue_class(
            queue_name,
            connection=self.connection,
            job_class=self.job_class,
            serializer=self.serializer,
            death_penalty_class=self.death_penalty_class,
        )
        execution = Execution.fetch(execution_id, job.id, connection=self.connection)
        execution._job = job
        self.executions.clear()  # the horse holds this job's execution only
        self.execution = execution
        return job, queue, execution


def _exited(pid: int) -> bool:
    """Whether the child ``pid`` has exited (it is then reaped)."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:  # reaped by someone else
        return True


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
