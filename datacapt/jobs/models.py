"""Jobs in the shared schema: the transactional outbox and each job's runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import SharedModel, utcnow


class OutboxJob(SharedModel):
    """A job enqueued inside a transaction: stored with it, sent to Redis after its commit,
    and kept until it has run (``done_at``), so a job Redis loses is sent again."""

    __tablename__ = "job_outbox"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    tenant_schema: Mapped[str | None] = mapped_column(sa.String(63))
    func: Mapped[str] = mapped_column(sa.String(300))
    args: Mapped[list[Any]] = mapped_column(JSONB)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONB)
    queue: Mapped[str] = mapped_column(sa.String(60))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200))
    retries: Mapped[int] = mapped_column(default=0)
    backoff: Mapped[list[int]] = mapped_column(JSONB, default=list)
    timeout: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    dispatch_error: Mapped[str | None] = mapped_column(sa.Text)
    # Set when its run succeeded or failed for good (refused, no retry left).
    done_at: Mapped[dt.datetime | None]


class JobRun(SharedModel):
    """What became of a job: its effect commits with ``succeeded``, so it happens once."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    tenant_schema: Mapped[str | None] = mapped_column(sa.String(63), index=True)
    func: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(20))  # started, succeeded, failed, refused
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
