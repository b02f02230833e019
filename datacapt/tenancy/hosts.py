"""Host name -> tenant, cached per process for a few seconds (one query saved per request).

The process that creates or archives a tenant forgets its cache at once; other processes
see the change within DATACAPT_HOST_CACHE_SECONDS (0 turns the cache off). Unknown hosts
are cached too (any client can send any Host), so the cache holds at most
DATACAPT_HOST_CACHE_SIZE hosts and drops the least recently used beyond.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import OrderedDict
from typing import Generic, Literal, TypeVar

from flask import Flask, current_app

from datacapt.tenancy.context import TenantRef

_EXTENSION_KEY = "datacapt.host_cache"


class _Missing(enum.Enum):
    """What the cache answers for a host it does not hold (None is a cached answer)."""

    MISSING = enum.auto()


MISSING = _Missing.MISSING
Value = TypeVar("Value")


class HostCache(Generic[Value]):
    """Answers kept ``seconds`` each, at most ``size`` of them (least recently used out)."""

    def __init__(self, seconds: float, size: int) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, host: str) -> Value | Literal[_Missing.MISSING]:
        with self._lock:
            entry = self._entries.get(host)
            if entry is None or entry[0] < time.monotonic():
                return MISSING
            self._entries.move_to_end(host)
            return entry[1]

    def put(self, host: str, tenant: Value) -> None:
        if self.seconds <= 0 or self.size <= 0:
            return
        with self._lock:
            self._entries[host] = (time.monotonic() + self.seconds, tenant)
            self._entries.move_to_end(host)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_host_cache(app: Flask, seconds: float, size: int) -> None:
    app.extensions[_EXTENSION_KEY] = HostCache[TenantRef | None](seconds, size)


def host_cache() -> HostCache[TenantRef | None]:
    return current_app.extensions[_EXTENSION_KEY]
