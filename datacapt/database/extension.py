"""The Flask-SQLAlchemy extension and the two declarative bases (shared and tenant)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import orm
from sqlalchemy.orm import DeclarativeBase

from datacapt.database.session import (
    SchemaScope,
    ScopedSchemaSession,
    close_session,
    entered_scope,
    session_scope_key,
)

SHARED_SCHEMA = "public"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Timestamps are always timezone-aware; money is Numeric, never float.
TYPE_ANNOTATION_MAP: dict[Any, type[sa.types.TypeEngine[Any]] | sa.types.TypeEngine[Any]] = {
    dt.datetime: sa.DateTime(timezone=True),
    uuid.UUID: sa.Uuid(),
    decimal.Decimal: sa.Numeric(18, 4),
}


class TenantBase(DeclarativeBase):
    """Base of tables that exist once per tenant schema (declared without a schema)."""

    registry = orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map=TYPE_ANNOTATION_MAP,
    )


class SharedModel(DeclarativeBase):
    """Base of the few platform tables in the shared schema (tenants, domains, ...)."""

    registry = orm.registry(
        metadata=sa.MetaData(schema=SHARED_SCHEMA, naming_convention=NAMING_CONVENTION),
        type_annotation_map=TYPE_ANNOTATION_MAP,
    )


db = SQLAlchemy(
    model_class=TenantBase,
    session_options={"class_": ScopedSchemaSession, "scopefunc": session_scope_key},
)

if TYPE_CHECKING:
    # ``db.Model`` is built at run time from TenantBase's body and Flask-SQLAlchemy's Model;
    # mypy cannot subclass a variable, so it is told the class that results.
    from flask_sqlalchemy.model import Model

    class TenantModel(Model, TenantBase):
        __abstract__ = True
else:
    TenantModel = db.Model


@contextmanager
def schema_scope(schema: str | None) -> Iterator[SchemaScope]:
    """Enter a schema scope with a fresh session; the session is closed when leaving."""
    with entered_scope(schema) as scope:
        try:
            yield scope
        finally:
            close_session(db.session)
