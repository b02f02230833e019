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

    The function runs as a platform job (no tenant); a function that works per tenant
    enqueues one job per tenant itself.
    """

    name: str
    func: str
    cron: str | None = None
    interval: int | None = None
    queue: str = DEFAULT_QUEUE

    def __post_init__(self) -> None:
        if (self.cron is None) == (self.interval is None):
            raise ValueError(f"cron entry {self.name!r} needs exactly one of cron or interval")


def init_cron(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = []


def register_cron_entry(app: Flask, entry: CronEntry) -> None:
    app.extensions[_EXTENSION_KEY].append(entry)


def cron_entries() -> list[CronEntry]:
    return list(current_app.extensions[_EXTENSION_KEY])


def build_scheduler(connection: Redis, entries: list[CronEntry]) -> CronScheduler:
    scheduler = CronScheduler(connection)
    for entry in entries:
        scheduler.register(
            run_job,
            entry.queue,
            args=(None, entry.func, (), {}),
            cron=entry.cron,
            interval=entry.interval,
            name=entry.name,
        )
    return scheduler
