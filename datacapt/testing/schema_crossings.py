"""A check over every test: no database transaction touches two tenant schemas.

Distributing whole tenant schemas over several database nodes (Citus schema-based sharding,
docs/operations.md) holds only while each transaction stays in one tenant schema plus the
shared one; code iterating tenants (migrations, periodic jobs) must switch schema per
transaction. Each statement's schema-qualified names are matched against the tenant schemas
seen so far (those of tenant sessions' translate maps and of ``CREATE SCHEMA``); a
transaction naming a second one is recorded as a crossing, and the test fails. A statement
that reads many tenants on purpose says so with the ``SPANS_TENANTS`` execution option.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import sqlalchemy as sa

from datacapt.database.session import NO_TENANT_SCHEMA, SPANS_TENANTS

# A qualifier: an identifier, quoted or not, followed by a dot (schema.table, schema.table.col).
_QUALIFIER = re.compile(r'"((?:[^"]|"")+)"\.|\b([A-Za-z_][A-Za-z0-9_$]*)\.')
_CREATED_SCHEMA = re.compile(
    r'CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))',
    re.IGNORECASE,
)
_NOT_TENANTS = frozenset({"public", "information_schema", "pg_catalog", NO_TENANT_SCHEMA})


class SchemaCrossings:
    """Records, per open transaction, the tenant schemas its statements named."""

    def __init__(self) -> None:
        self.tenant_schemas: set[str] = set()
        self._touched: dict[int, set[str]] = {}
        self._lock = threading.Lock()
        self.crossings: list[str] = []
        self._installed = False

    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        sa.event.listen(sa.Engine, "before_cursor_execute", self._statement)
        sa.event.listen(sa.Engine, "commit", self._ended)
        sa.event.listen(sa.Engine, "rollback", self._ended)
        # A connection lost mid-transaction ends without a rollback event, and a new one may
        # take its id(): both forget what was recorded under it.
        for pool_event in ("checkin", "connect", "invalidate"):
            sa.event.listen(sa.pool.Pool, pool_event, self._pool_event)

    def take(self) -> list[str]:
        with self._lock:
            crossings, self.crossings = self.crossings, []
        return crossings

    def _statement(
        self,
        connection: sa.Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        options = context.execution_options
        if options.get("isolation_level") == "AUTOCOMMIT" or options.get(SPANS_TENANTS):
            return  # a transaction of its own per statement, or a declared exception
        translated = (options.get("schema_translate_map") or {}).get(None)
        named = _names(_CREATED_SCHEMA, statement)
        qualifiers = _names(_QUALIFIER, statement)
        with self._lock:
            for schema in (translated, *named):
                if schema and schema not in _NOT_TENANTS:
                    self.tenant_schemas.add(schema)
            touched = (qualifiers | named) & self.tenant_schemas
            if not touched:
                return
            seen = self._touched.setdefault(id(connection.connection.dbapi_connection), set())
            seen |= touched
            if len(seen) > 1:
                self.crossings.append(f"{sorted(seen)} in one transaction: {statement[:300]}")
                seen.intersection_update(touched)

    def _ended(self, connection: sa.Connection) -> None:
        try:
            dbapi_connection = connection.connection.dbapi_connection
        except sa.exc.SQLAlchemyError:
            return  # closed or invalidated: its check-in forgets it
        self._forget(dbapi_connection)

    def _pool_event(self, dbapi_connection: Any, *_: Any) -> None:
        self._forget(dbapi_connection)

    def _forget(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._touched.pop(id(dbapi_connection), None)


def _names(pattern: re.Pattern[str], statement: str) -> set[str]:
    return {quoted.replace('""', '"') or bare for quoted, bare in pattern.findall(statement)}
