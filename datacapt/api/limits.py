"""Rate limits of the public endpoints (the ``limits`` library, the engine of
Flask-Limiter: on Redis, in memory without Redis).

Each limit is a rule of the settings ("30 per minute") counted under a name and keys:
``enforce`` counts one hit and answers 429 (with Retry-After) past the rule. Counting is
atomic in the storage (a Lua script on Redis), so concurrent requests never overrun a
rule. Only the endpoints that call ``enforce`` pay for it: Flask-Limiter's own
before-request hook would cost every request (about 0.3 ms) for limits it does not know.
"""

from __future__ import annotations

import enum
import math
import time

from flask import Flask, current_app, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from datacapt.config import Settings
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

EXTENSION = "datacapt.limiter"

# Which setting holds the rule of each limit.
RULES = {
    "auth": "auth_rate_limit",
    "password-reset": "password_reset_rate_limit",
    "epro-token": "epro_token_failure_limit",
}


# The error answer of an endpoint that enforces a limit, for its API description.
RATE_LIMITED = {
    429: "Too many requests of this kind from this client (TOO_MANY_REQUESTS); the "
    "Retry-After header says when to try again."
}


def client_address() -> str:
    """The client's address (behind DATACAPT_TRUSTED_PROXIES, the forwarded one)."""
    return request.remote_addr or "-"


def init_limits(app: Flask, settings: Settings) -> None:
    storage = storage_from_string(settings.redis_url or "memory://", key_prefix="datacapt")
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)


def too_many(internal: enum.IntEnum, message: Message, retry_after: int) -> DatacaptException:
    return DatacaptException(
        ErrorCode.TOO_MANY_REQUESTS,
        internal,
        message,
        details={"retry_after_seconds": max(1, retry_after)},
    )


def enforce(
    name: str,
    *keys: str,
    internal: enum.IntEnum = InternalCodes.TOO_MANY_REQUESTS,
    message: Message | None = None,
) -> None:
    """Count one hit of limit ``name`` for ``keys``; 429 when its rule is exceeded."""
    settings: Settings = current_app.extensions["datacapt.settings"]
    limiter: MovingWindowRateLimiter = current_app.extensions[EXTENSION]
    for item in parse_many(getattr(settings, RULES[name])):
        if not limiter.hit(item, name, *keys):
            reset_at, _ = limiter.get_window_stats(item, name, *keys)
            raise too_many(
                internal,
                message or Message("Too many requests of this kind: try again later."),
                math.ceil(reset_at - time.time()),
            )


def reset(app: Flask) -> None:
    """Forget every count (tests)."""
    app.extensions[EXTENSION].storage.reset()
