"""What a database error means: the database out of reach, or a concurrent duplicate."""

from __future__ import annotations

import sqlalchemy as sa

# PostgreSQL's SQLSTATE for a unique constraint violation.
UNIQUE_VIOLATION = "23505"


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is out of reach (down, restarting, connection lost)."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.DisconnectionError
    )


def concurrent_duplicate(exc: BaseException) -> bool:
    """Whether ``exc`` is a unique constraint that a concurrent write won: the service
    checked for the duplicate, but another transaction committed it in between."""
    return (
        isinstance(exc, sa.exc.IntegrityError)
        and getattr(exc.orig, "pgcode", None) == UNIQUE_VIOLATION
    )
