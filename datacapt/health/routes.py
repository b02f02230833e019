"""GET /health (the process is alive) and GET /health/ready (its dependencies answer)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response

from datacapt.api.responses import error, success
from datacapt.database import db
from datacapt.errors import ErrorCode, InternalCodes
from datacapt.jobs.connection import redis_connection

blp = Blueprint("health", __name__, url_prefix="/health")


@blp.get("")
def alive() -> Response:
    return success({"status": "ok"})


def _check_database() -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return f"database unreachable: {type(exc).__name__}"
    return None


def _check_redis() -> str | None:
    connection = redis_connection()
    if connection is None:
        return None
    try:
        connection.ping()
    except Exception as exc:
        return f"redis unreachable: {type(exc).__name__}"
    return None


@blp.get("/ready")
def ready() -> Response:
    checks = {"database": _check_database(), "redis": _check_redis()}
    failures = {name: problem for name, problem in checks.items() if problem}
    if failures:
        return error(
            ErrorCode.SERVICE_UNAVAILABLE,
            InternalCodes.SERVICE_UNAVAILABLE,
            "Not ready: " + "; ".join(failures.values()),
            details=failures,
        )
    redis_state = "ok" if redis_connection() is not None else "not configured (jobs run in process)"
    return success({"status": "ready", "checks": {"database": "ok", "redis": redis_state}})
