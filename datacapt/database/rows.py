"""Many rows as one parameter: set-based writes whose SQL is the same for any number of rows.

A multi-row ``VALUES`` has one bound parameter per value, so SQLAlchemy compiles the
statement again on every call (a section save of 20 answers spent a quarter of its time
compiling). The rows travel instead as one JSON array, unpacked by PostgreSQL, each value
cast to its column's type: one statement text, compiled once and reused. For an INSERT,
``insert(table).from_select(names, json_rows(...))``; for an UPDATE, the rows as a
subquery joined on the key (``rows_parameter`` for a statement built once and given its
rows at each execution with ``encode_rows``).
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
    one parameter ``name``. A JSON column gets its value as given (a JSON null stays one);
    a text column its text, which the write refuses when longer than the column allows;
    the others are cast from their text."""
    return rows_parameter(tuple(columns), name).params({name: encode_rows(columns, rows)})


def encode_rows(columns: Sequence[sa.Column[Any]], rows: Sequence[Mapping[str, Any]]) -> str:
    """The value of a ``rows_parameter``: ``rows`` as one JSON array (times, ids and
    decimals as their text, which the casts read back)."""
    return json.dumps([{c.name: row[c.name] for c in columns} for row in rows], default=str)


@functools.lru_cache(maxsize=256)
def rows_parameter(columns: tuple[sa.Column[Any], ...], name: str) -> sa.Select[Any]:
    """The SELECT of ``json_rows`` with its parameter ``name`` left unbound, built once per
    set of columns (building it costs more than binding a new value to it)."""
    given = (
        sa.func.jsonb_array_elements(sa.cast(sa.bindparam(name, type_=sa.Text), JSONB))
        .table_valued("element")
        .render_derived(name=f"{name}_given")
    )

    def value(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
        key: sa.ColumnElement[str] = sa.literal_column(f"'{column.name}'")
        if isinstance(column.type, sa.JSON):
            return given.c.element.op("->")(key)
        text = given.c.element.op("->>")(key)
        if isinstance(column.type, sa.String):
            # An explicit cast to VARCHAR(n) cuts a longer text short; the write's own
            # assignment to the column refuses it instead.
            return text
        return sa.cast(text, column.type)

    return sa.select(*(value(column).label(column.name) for column in columns)).select_from(given)
