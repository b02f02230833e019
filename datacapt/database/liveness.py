"""Pooled connections pinged only after they sat idle, instead of on every checkout.

SQLAlchemy's ``pool_pre_ping`` costs a round trip per checkout, that is per request. A
connection handed back a moment ago is almost always alive; one idle for longer than
DATACAPT_DB_PING_IDLE_SECONDS may have been dropped by a database restart, a failover or a
firewall, so it is pinged first and replaced when the ping fails. A connection that died
in the short window since its last use fails its next statement instead: that request
answers ``503 SERVICE_UNAVAILABLE`` (datacapt.errors), SQLAlchemy invalidates the pool's
connections opened before the failure, and the following requests get fresh ones.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

_CHECKED_IN_AT = "datacapt_checked_in_at"


def ping_idle_connections(engine: sa.Engine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it was idle longer than ``idle_seconds``
    (0: at every checkout, as ``pool_pre_ping``)."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _note_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        # A connection just opened has no check-in yet: it is alive.
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (documented for
            # the checkout event), so the caller never sees the dead one.
            raise sa.exc.DisconnectionError(f"Pooled connection failed its ping: {exc}") from exc
