"""What waits for the end of a session's outermost transaction.

SQLAlchemy sends ``before_commit``, ``after_commit`` and ``after_rollback`` for savepoints
too. Releasing a savepoint commits nothing, and rolling one back undoes only what was done
inside it. So what a transaction keeps for its commit (jobs to send, callbacks, audit
records for the listener, messages to deliver) is kept here under a key, each item with
the savepoint it was kept in: taken once the outermost transaction commits, and dropped
with the savepoint (or the transaction) it was kept in when that rolls back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import orm

# Every key anything was ever kept under, for ``waiting``.
_KEYS: set[str] = set()


def outermost(session: orm.Session) -> bool:
    """Whether the transaction event being handled is the outermost transaction's (no
    savepoint is being released or rolled back)."""
    return session.get_nested_transaction() is None


def keep(session: orm.Session, key: str, *items: Any) -> None:
    """Keep ``items`` under ``key`` until the outermost transaction ends."""
    _KEYS.add(key)
    savepoint = session.get_nested_transaction()
    session.info.setdefault(key, []).extend((savepoint, item) for item in items)


def waiting(session: orm.Session) -> bool:
    """Whether anything is kept for the end of the session's transaction."""
    return any(session.info.get(key) for key in _KEYS)


def take_committed(session: orm.Session, key: str) -> list[Any]:
    """At a commit: the items kept under ``key``, taken once the outermost transaction
    commits (none at a savepoint's release: they wait for it)."""
    if not outermost(session):
        return []
    return [item for _, item in session.info.pop(key, ())]


def drop_rolled_back(session: orm.Session, key: str) -> list[Any]:
    """At a rollback: drop the items kept under ``key`` in what was rolled back, the
    savepoint and the savepoints inside it, or the whole transaction; returns them."""
    savepoint = session.get_nested_transaction()
    if savepoint is None:
        return [item for _, item in session.info.pop(key, ())]
    kept = session.info.get(key, [])
    session.info[key] = [(where, item) for where, item in kept if not _inside(where, savepoint)]
    return [item for where, item in kept if _inside(where, savepoint)]


def _inside(transaction: orm.SessionTransaction | None, savepoint: orm.SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False
