"""Many rows as one parameter: set-based writes whose SQL is the same for any number of rows.

A multi-row ``VALUES`` has one bound parameter per value, so SQLAlchemy compiles the
statement again on every call (a section save of 20 answers spent a quarter of its time
compiling). The rows travel instead as one JSON array, unpacked by PostgreSQL, each value
cast to its column's type: one statement text, compiled once and reused.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


def json_rows(
    columns: Sequence[sa.Column[Any]], rows: Sequence[Mapping[str, Any]], name: str = "rows"
) -> sa.Select[Any]:
    """A SELECT of ``rows`` (each a mapping of column name to value) as ``columns``, from the
    one parameter ``name``, for ``insert(table).from_select(...)``. A JSON column gets its
    value as given (a JSON null stays one); the others are cast from its text."""
    encoded = json.dumps([{c.name: row[c.name] for c in columns} for row in rows], default=str)
    return _unpacking(tuple(columns), name).params({name: encoded})


@functools.lru_cache(maxsize=256)
def _unpacking(columns: tuple[sa.Column[Any], ...], name: str) -> sa.Select[Any]:
    """The SELECT itself, built once per set of columns (building it costs more than
    binding a new value to it)."""
    given = (
        sa.func.jsonb_array_elements(sa.cast(sa.bindparam(name, type_=sa.Text), JSONB))
        .table_valued("element")
        .render_derived(name=f"{name}_given")
    )

    def value(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
        key: sa.ColumnElement[str] = sa.literal_column(f"'{column.name}'")
        if isinstance(column.type, sa.JSON):
            return given.c.element.op("->")(key)
        return sa.cast(given.c.element.op("->>")(key), column.type)

    return sa.select(*(value(column).label(column.name) for column in columns)).select_from(given)
