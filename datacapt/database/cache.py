"""Lookups kept for the rest of the session's transaction: what many readers of one
request, job or command ask (the tenant's enabled plugins, a study's design revision) is
read once, and forgotten when the transaction ends."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.database.extension import db

T = TypeVar("T")

_CACHE = "datacapt.transaction_cache"


def transaction_cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per transaction of the session. Keep what does not change in the
    transaction, or a row that changes only through the object kept."""
    cache: dict[Hashable, Any] = db.session().info.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@sa.event.listens_for(orm.Session, "after_transaction_end")
def _forget_at_the_end(session: orm.Session, transaction: orm.SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CACHE, None)
