"""Sessions bound to one schema scope: the tenant's schema reaches SQL via schema_translate_map.

The translate map lives on the engine the session binds to (``Engine.execution_options``),
so every connection the session checks out, before and after a commit or rollback, carries
it. No ``SET search_path`` is ever issued on a pooled connection.
"""

from __future__ import annotations

import itertools
import logging
import weakref
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import flask_sqlalchemy.session
import sqlalchemy as sa
from flask.globals import app_ctx

from datacapt.database.failures import database_unavailable

# Tenant tables are declared without a schema. Outside a tenant scope they translate to a
# schema that never exists, so a tenant query without a tenant fails loudly instead of
# falling back to whatever the search_path finds.
NO_TENANT_SCHEMA = "datacapt_no_tenant_selected"
# The execution option of a statement that reads many tenant schemas at once on purpose
# (operator-level, read-only: the migration state of every tenant); every other transaction
# touches one tenant schema at most (docs/operations.md, "Running past one machine").
SPANS_TENANTS = "datacapt_spans_tenants"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaScope:
    """Which tenant schema the current code talks to; ``token`` keys its own session."""

    schema: str | None
    token: int


_NO_SCOPE = SchemaScope(None, 0)
_scope: ContextVar[SchemaScope] = ContextVar("datacapt_schema_scope", default=_NO_SCOPE)
_tokens = itertools.count(1)
_translated_engines: weakref.WeakKeyDictionary[sa.Engine, dict[str, sa.Engine]] = (
    weakref.WeakKeyDictionary()
)


def current_schema() -> str | None:
    """The tenant schema of the current scope, or None outside any tenant."""
    return _scope.get().schema


def session_scope_key() -> Hashable:
    """One scoped session per application context and schema scope."""
    # Flask types its proxies as the object they stand for, without the proxy's methods.
    return (id(app_ctx._get_current_object()), _scope.get().token)  # type: ignore[attr-defined]


def translated_engine(engine: sa.Engine, schema: str) -> sa.Engine:
    """The engine whose connections map schema-less tables to ``schema`` (cached)."""
    per_engine = _translated_engines.setdefault(engine, {})
    translated = per_engine.get(schema)
    if translated is None:
        translated = engine.execution_options(schema_translate_map={None: schema})
        per_engine[schema] = translated
    return translated


class ScopedSchemaSession(flask_sqlalchemy.session.Session):
    """A session fixed at creation to one schema scope; it never changes tenant."""

    def __init__(self, db: Any, **kwargs: Any) -> None:
        super().__init__(db, **kwargs)
        self.tenant_schema = current_schema()

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: sa.Engine | sa.Connection | None = None,
        **kwargs: Any,
    ) -> sa.Engine | sa.Connection:
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is not None or not isinstance(engine, sa.Engine):
            return engine
        return translated_engine(engine, self.tenant_schema or NO_TENANT_SCHEMA)


@contextmanager
def entered_scope(schema: str | None) -> Iterator[SchemaScope]:
    """Make a new schema scope current for the block (``schema_scope`` of
    datacapt.database.extension also closes the scope's session on leaving)."""
    scope = SchemaScope(schema, next(_tokens))
    reset_token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(reset_token)


def close_session(scoped: Any) -> None:
    """Close the scope's session (rolling back what is uncommitted); on a connection the
    database dropped the rollback cannot happen and is not needed, so it never raises."""
    try:
        scoped.remove()
    except sa.exc.SQLAlchemyError as exc:
        if not database_unavailable(exc):
            raise
        log.warning("Closing a session on a lost database connection: %s", exc)
        scoped.registry.clear()
