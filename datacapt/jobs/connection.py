"""The Redis connection of the app (None: jobs run in process)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from redis.driver_info import DriverInfo

_EXTENSION_KEY = "datacapt.redis"


def init_redis(app: Flask, redis_url: str | None) -> None:
    # The client's name and version, sent on every new connection, are read from the
    # package metadata once here, not again by each connection (each forked job opens one).
    app.extensions[_EXTENSION_KEY] = (
        Redis.from_url(redis_url, driver_info=DriverInfo()) if redis_url else None
    )


def set_redis(app: Flask, connection: Redis | None) -> None:
    """Replace the app's connection (tests use an in-process Redis this way)."""
    app.extensions[_EXTENSION_KEY] = connection


def redis_connection() -> Redis | None:
    return current_app.extensions.get(_EXTENSION_KEY)
