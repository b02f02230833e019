"""Host name -> tenant, cached per process for a few seconds (one query saved per request).

The process that creates or archives a tenant forgets its cache at once; other processes
see the change within DATACAPT_HOST_CACHE_SECONDS (0 turns the cache off).
"""

from __future__ import annotations

import enum
import threading
import time
from typing import Generic, Literal, TypeVar

from flask import Flask, current_app

from datacapt.tenancy.context import TenantRef

_EXTENSION_KEY = "datacapt.host_cache"
# Unknown hosts are cached too (any client can send any Host): past this many entries,
# the expired ones are dropped so the cache cannot grow without bound.
_PRUNE_ABOVE = 10_000


class _Missing(enum.Enum):
    """What the cache answers for a host it does not hold (None is a cached answer)."""

    MISSING = enum.auto()


MISSING = _Missing.MISSING
Value = TypeVar("Value")


class HostCache(Generic[Value]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, Value]] = {}
        self._lock = threading.Lock()

    def get(self, host: str) -> Value | Literal[_Missing.MISSING]:
        entry = self._entries.get(host)
        if entry is None or entry[0] < time.monotonic():
            return MISSING
        return entry[1]

    def put(self, host: str, tenant: Value) -> None:
        if self.seconds > 0:
            with self._lock:
                now = time.monotonic()
                if len(self._entries) >= _PRUNE_ABOVE:
                    self._entries = {
                        name: entry for name, entry in self._entries.items() if entry[0] >= now
                    }
                self._entries[host] = (now + self.seconds, tenant)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_host_cache(app: Flask, seconds: float) -> None:
    app.extensions[_EXTENSION_KEY] = HostCache[TenantRef | None](seconds)


def host_cache() -> HostCache[TenantRef | None]:
    return current_app.extensions[_EXTENSION_KEY]
