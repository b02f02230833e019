"""Rows sent as one JSON parameter (datacapt.database.rows): each value arrives as its
column's type, a JSON null stays a JSON null, and the statement is one text for any number
of rows (compiled once)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from datacapt.database.rows import json_rows

metadata = sa.MetaData()
KEPT = sa.Table(
    "kept_rows",
    metadata,
    sa.Column("id", sa.BigInteger),
    sa.Column("public", sa.Uuid),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("flag", sa.Boolean),
    sa.Column("note", sa.String(20)),
    sa.Column("value", JSONB),
    prefixes=["TEMPORARY"],
)


def insert_of(rows):
    return sa.insert(KEPT).from_select(
        [c.name for c in KEPT.columns], json_rows(list(KEPT.columns), rows)
    )


def test_values_arrive_typed_and_a_json_null_stays_one(db_engine):
    public, at = uuid.uuid4(), dt.datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=dt.UTC)
    rows = [
        {"id": 1, "public": public, "at": at, "flag": True, "note": "é \"quoted\"",
         "value": {"answer": [1, 2.5, "x"]}},
        {"id": 2, "public": None, "at": None, "flag": False, "note": None, "value": None},
        {"id": 3, "public": None, "at": None, "flag": None, "note": "", "value": "text"},
    ]  # fmt: skip
    with db_engine.connect() as connection, connection.begin():
        KEPT.create(connection)
        connection.execute(insert_of(rows))
        found = connection.execute(
            sa.select(KEPT, sa.func.jsonb_typeof(KEPT.c.value), KEPT.c.value.is_(None))
            .order_by(KEPT.c.id)
        ).all()  # fmt: skip
        connection.rollback()
    assert [tuple(row)[:6] for row in found] == [
        (1, public, at, True, 'é "quoted"', {"answer": [1, 2.5, "x"]}),
        (2, None, None, False, None, None),
        (3, None, None, None, "", "text"),
    ]
    # The second row's value is the JSON null it was given, not a missing value.
    assert [tuple(row)[6:] for row in found] == [
        ("object", False),
        ("null", False),
        ("string", False),
    ]


def test_a_text_longer_than_its_column_is_refused_never_cut(db_engine):
    row = {"id": 1, "public": None, "at": None, "flag": None, "note": "x" * 21, "value": 1}
    with db_engine.connect() as connection, connection.begin():
        KEPT.create(connection)
        with pytest.raises(sa.exc.DataError, match="too long"):
            connection.execute(insert_of([row]))
        connection.rollback()


def test_the_statement_is_one_text_for_any_number_of_rows(db_engine):
    row = {"id": 1, "public": None, "at": None, "flag": None, "note": None, "value": 1}
    dialect = db_engine.dialect
    one, many = (str(insert_of([row] * n).compile(dialect=dialect)) for n in (1, 50))
    assert one == many
    assert one.count("%(") == 1, "the rows travel as one parameter"
