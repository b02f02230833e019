"""Hello jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

from datacapt_hello import services


def add_record(text: str) -> str:
    return str(services.add_record(text).uuid)


def tick() -> int:
    """The periodic job: one record per tick, so each run is visible."""
    services.add_record("tick")
    return len(services.list_records())
