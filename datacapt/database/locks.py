"""Transaction-scoped advisory locks and the locked transaction built on them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import orm

# First key of every advisory lock the platform takes; the second is hashtext(name).
ADVISORY_LOCK_NAMESPACE = 0x0DA7AC47


def advisory_lock(connection: sa.Connection, name: str) -> None:
    """Serialize work on ``name`` across processes until the current transaction ends."""
    connection.execute(
        sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_NAMESPACE, sa.func.hashtext(name)))
    )


@contextmanager
def locked_transaction(
    engine: sa.Engine, lock_name: str
) -> Iterator[tuple[sa.Connection, orm.Session]]:
    """One connection and transaction under an advisory lock, with an ORM session on it.

    Schema changes (DDL) and shared-table rows written inside commit together or not at
    all: PostgreSQL DDL is transactional.
    """
    with engine.connect() as connection, connection.begin():
        advisory_lock(connection, lock_name)
        with orm.Session(bind=connection) as session:
            yield connection, session
            session.flush()
            session.expunge_all()
