"""Reads that open no database transaction, and whether a session's transaction has opened.

psycopg2 opens a database transaction with a BEGIN round trip of its own before the first
statement of a transaction, and the unit of work ends it with a COMMIT round trip. A read
that stands alone, the statement a request's access check sends first, needs neither: under
READ COMMITTED each statement reads its own snapshot anyway. ``read_outside_transaction``
sends it in autocommit when the session's connection has no database transaction open yet;
the next statement opens one as usual. A unit that wrote nothing and whose database
transaction never opened then ends with no COMMIT (datacapt.database.unit).

Such a read is sent at Core level, which costs a fraction of an ORM execution; the one
entity it may carry (the request's study) is put in the session with ``attach_loaded``.

The access check is a ``TenantFunction``: a set-returning function of the tenant's schema,
whose plan each database connection keeps once it ran it, where the same joins sent as text
would be planned again on every request.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from psycopg2.extensions import TRANSACTION_STATUS_IDLE  # type: ignore[import-untyped]
from sqlalchemy import orm

from datacapt.database.extension import db
from datacapt.database.session import current_schema

T = TypeVar("T")


def _dbapi_connection(connection: sa.Connection) -> Any:
    return connection.connection.dbapi_connection


def database_transaction_open(session: orm.Session) -> bool:
    """Whether any connection of the session's transaction has a database transaction
    open (a statement ran on it outside autocommit, and it has not ended yet)."""
    transaction = session.get_transaction()
    if transaction is None:
        return False
    for connection in transaction.connections:
        if connection.invalidated or connection.closed:
            # Its transaction is lost (rolled back by the server): ending it is the
            # unit's to do, and to report.
            return True
        if _dbapi_connection(connection).info.transaction_status != TRANSACTION_STATUS_IDLE:
            return True
    return False


def read_outside_transaction(
    statement: sa.Executable, parameters: dict[str, Any]
) -> sa.CursorResult[Any]:
    """The Core ``statement`` executed on the session's connection, in autocommit when that
    connection has no database transaction open (then it opens none); inside an open one it
    simply joins it. For a single read: locks and transaction-scoped settings would not last
    past the statement."""
    connection = db.session().connection()
    dbapi_connection = _dbapi_connection(connection)
    if dbapi_connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
        return connection.execute(statement, parameters)
    dbapi_connection.autocommit = True
    try:
        return connection.execute(statement, parameters)
    finally:
        # A connection the database dropped is closed already, and discarded by the pool.
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False


class TenantFunction:
    """A set-returning function of every tenant's schema, called with ``parameters`` (bound
    by name, in the function's order) and read as ``columns`` (in the function's order)."""

    def __init__(
        self,
        name: str,
        parameters: tuple[sa.BindParameter[Any], ...],
        columns: tuple[sa.ColumnClause[Any], ...],
    ) -> None:
        self.name, self.parameters, self.columns = name, parameters, columns

    def call(self) -> sa.TextualSelect:
        """The call in the session's tenant schema."""
        schema = current_schema()
        assert schema is not None  # a tenant's function is called inside that tenant
        return _call_in(self, schema)


# Bounded: one statement per tenant schema and function, however many tenants there are.
@functools.lru_cache(maxsize=1024)
def _call_in(function: TenantFunction, schema: str) -> sa.TextualSelect:
    quoted = db.engine.dialect.identifier_preparer.quote_schema(schema)
    arguments = ", ".join(f":{parameter.key}" for parameter in function.parameters)
    return (
        sa.text(f"SELECT * FROM {quoted}.{function.name}({arguments})")
        .bindparams(*function.parameters)
        .columns(*function.columns)
    )


def columns_of(attributes: Mapping[str, Any]) -> tuple[sa.ColumnClause[Any], ...]:
    """Result columns by name, each read with the type of the model attribute it holds."""
    return tuple(sa.column(name, attribute.type) for name, attribute in attributes.items())


def entity_columns(model: type, prefix: str) -> tuple[sa.ColumnClause[Any], ...]:
    """Result columns of ``model``'s attributes, in the mapper's order, each named ``prefix``
    and the attribute's name, with its type: what ``attach_loaded`` reads back."""
    mapper: orm.Mapper[Any] = sa.inspect(model)
    return tuple(sa.column(prefix + prop.key, prop.columns[0].type) for prop in mapper.column_attrs)


def attach_loaded(model: type[T], row: sa.RowMapping, prefix: str) -> T:
    """The ``model`` instance whose columns ``row`` holds (labelled by ``entity_columns``), in
    the session as if the ORM had loaded it: persistent, with nothing changed. As with ORM
    loading, an instance the session holds already is kept as it is."""
    session = db.session()
    mapper: orm.Mapper[Any] = sa.inspect(model)
    values = {prop.key: row[prefix + prop.key] for prop in mapper.column_attrs}
    identity = mapper.identity_key_from_primary_key(
        tuple(values[mapper.get_property_by_column(column).key] for column in mapper.primary_key)
    )
    held = session.identity_map.get(identity)
    if held is not None:
        return held
    instance = mapper.class_manager.new_instance()
    # A new instance has no history: its attributes' values, put in its dict, are what
    # the ORM holds as loaded (as its loading does), and its changes are tracked from them.
    orm.attributes.instance_dict(instance).update(values)
    orm.make_transient_to_detached(instance)
    session.add(instance)
    return instance
