"""Pooled connections that served many tenant schemas are replaced.

A PostgreSQL backend keeps an entry in its catalog caches for every table it has read
and never shrinks them, so a connection that visits tenant after tenant grows by each
schema's tables. Counting the schemas a pooled connection served bounds that growth where
a time limit (DATACAPT_DB_POOL_RECYCLE) does not.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import ConnectionPoolEntry

from datacapt.database import db
from datacapt.database.session import NO_TENANT_SCHEMA

_SCHEMAS_KEY = "datacapt.schemas_served"


def schemas_served(connection: sa.Connection) -> frozenset[str]:
    """The schemas the connection's backend has served since it was opened."""
    return frozenset(connection.info.get(_SCHEMAS_KEY, ()))


def recycle_after_schemas(engine: sa.Engine, max_schemas: int) -> None:
    """Replace, at its next checkout, a pooled connection of ``engine`` that has served more
    than ``max_schemas`` schemas (0: never)."""
    if max_schemas <= 0:
        return

    # Every tenant session binds through an engine with the tenant's translate map
    # (datacapt.database.session), whose connections fire the events of ``engine``.
    @sa.event.listens_for(engine, "engine_connect")
    def count_schema(connection: sa.Connection) -> None:
        translate = connection.get_execution_options().get("schema_translate_map")
        # The schema of no tenant never exists: it fills no cache.
        schemas = set((translate or {}).values()) - {NO_TENANT_SCHEMA}
        if schemas:
            connection.info.setdefault(_SCHEMAS_KEY, set()).update(schemas)

    @sa.event.listens_for(engine, "checkin")
    def recycle_when_past_limit(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        if len(record.info.get(_SCHEMAS_KEY, ())) > max_schemas:
            record.invalidate(soft=True)  # closed and reopened at its next checkout


def init_connection_recycling(app: Flask, max_schemas: int) -> None:
    with app.app_context():
        recycle_after_schemas(db.engine, max_schemas)
