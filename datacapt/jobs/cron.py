"""Periodic jobs: entries registered on the app, enqueued by RQ's cron scheduler."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq.cron import CronScheduler
from werkzeug.utils import import_string

from datacapt.jobs.queue import DEFAULT_QUEUE, run_job
from datacapt.slots import Slot

_EXTENSION_KEY = "datacapt.cron_entries"
log = logging.getLogger(__name__)

FanOut = Callable[[str, str, str], int]
_FAN_OUT: Slot[FanOut] = Slot("datacapt.cron_fan_out")


@dataclass(frozen=True)
class CronEntry:
    """Run the function at dotted path ``func`` on a cron expression or every N seconds.

    A core entry runs once as a platform job (no tenant). A plugin's entry (``plugin`` set
    by the loader) runs once per tenant that has the plugin enabled, each in its own job.
    """

    name: str
    func: str
    cron: str | None = None
    interval: int | None = None
    queue: str = DEFAULT_QUEUE
    plugin: str | None = None

    def __post_init__(self) -> None:
        if (self.cron is None) == (self.interval is None):
            raise ValueError(f"cron entry {self.name!r} needs exactly one of cron or interval")


# The core's own periodic job: jobs whose commit met an unreachable Redis are sent later.
RELAY_ENTRY = CronEntry("jobs-relay", "datacapt.jobs.queue.relay_pending", interval=30)


def init_cron(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = [RELAY_ENTRY]


def register_cron_entry(app: Flask, entry: CronEntry) -> None:
    app.extensions[_EXTENSION_KEY].append(entry)


def register_fan_out(app: Flask, fan_out: FanOut) -> None:
    """Set how a plugin's entry ticks: ``fan_out(plugin, func, queue)`` enqueues ``func``
    in the tenants that have ``plugin`` enabled and returns how many."""
    _FAN_OUT.fill(app, fan_out)


def cron_entries() -> list[CronEntry]:
    return list(current_app.extensions[_EXTENSION_KEY])


def tick(func: str, plugin: str | None = None, queue: str = DEFAULT_QUEUE) -> int:
    """One tick of an entry: a core entry runs now; a plugin's fans out to its tenants."""
    if plugin is None:
        import_string(func)()
        return 1
    return _FAN_OUT.get()(plugin, func, queue)


def job_arguments(entry: CronEntry) -> tuple:
    """The arguments of the RQ job of one tick of ``entry`` (each tick its own job id)."""
    return ("datacapt.jobs.cron.tick", entry.func, entry.plugin, entry.queue)


def build_scheduler(connection: Redis, entries: list[CronEntry]) -> CronScheduler:
    scheduler = CronScheduler(connection)
    for entry in entries:
        scheduler.register(
            run_tick,
            entry.queue,
            args=job_arguments(entry),
            cron=entry.cron,
            interval=entry.interval,
            name=entry.name,
        )
    return scheduler


def run_tick(path: str, func: str, plugin: str | None, queue: str) -> Any:
    """The RQ job of a tick: a platform job with a fresh id, recorded like any other."""
    return run_job(uuid.uuid4().hex, None, path, [func, plugin, queue], {})


def _next_due(entry: CronEntry, now: float) -> float:
    """When ``entry`` is next due after ``now`` (seconds since the epoch)."""
    from croniter import croniter

    if entry.cron is not None:
        return croniter(entry.cron, now).get_next(float)
    assert entry.interval is not None  # an entry has exactly one of the two
    return now + entry.interval


def run_in_process(entries: list[CronEntry], sleep: Any, rounds: int | None = None) -> None:
    """Without Redis: run each entry when due, here (``rounds`` bounds the loop in tests)."""
    now = time.time()
    due = {entry.name: (_next_due(entry, now) if entry.cron else now) for entry in entries}
    done = 0
    while rounds is None or done < rounds:
        now = time.time()
        for entry in entries:
            if due[entry.name] <= now:
                try:
                    run_tick(*job_arguments(entry))
                except Exception:
                    # As on Redis, where each tick is a job: one failure stops no other.
                    log.exception("Periodic job %s failed", entry.name)
                due[entry.name] = _next_due(entry, now)
        done += 1
        sleep(max(0.0, min(due.values(), default=now + 60) - time.time()))
