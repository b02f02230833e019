"""Periodic jobs: entries registered on the app, enqueued by RQ's cron scheduler."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from redis import Redis
from rq.cron import CronScheduler

from datacapt.jobs.queue import DEFAULT_QUEUE, run_job

_EXTENSION_KEY = "datacapt.cron_entries"


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


def init_cron(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = []


def register_cron_entry(app: Flask, entry: CronEntry) -> None:
    app.extensions[_EXTENSION_KEY].append(entry)


def cron_entries() -> list[CronEntry]:
    return list(current_app.extensions[_EXTENSION_KEY])


# Enqueues one job per tenant that has the plugin enabled (a string: no import cycle).
FAN_OUT_JOB = "datacapt.plugins.jobs.fan_out"


def job_arguments(entry: CronEntry) -> tuple:
    """The run_job arguments of one tick of ``entry``."""
    if entry.plugin is None:
        return (None, entry.func, (), {})
    return (None, FAN_OUT_JOB, (entry.plugin, entry.func, entry.queue), {})


def build_scheduler(connection: Redis, entries: list[CronEntry]) -> CronScheduler:
    scheduler = CronScheduler(connection)
    for entry in entries:
        scheduler.register(
            run_job,
            entry.queue,
            args=job_arguments(entry),
            cron=entry.cron,
            interval=entry.interval,
            name=entry.name,
        )
    return scheduler
