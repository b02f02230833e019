"""Lineages run from base again as the SQL they ran the first time.

Alembic's Python (building tables and compiling their DDL) costs more than the DDL itself,
and every new tenant, and every tenant enabling a plugin, runs the same revisions from
base. The first schema a process migrates from base records the statements the lineage
ran there, their parameters rendered in; the next schemas run them as one script, in one
round trip rather than one per statement. Tenant revisions name no schema (the runner sets
the transaction's search path), so the statements fit any schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from psycopg2.extensions import encodings  # type: ignore[import-untyped]

from datacapt.migrating.lineages import Lineage


@dataclass(frozen=True)
class _Recording:
    # The statements as the server received them, parameters rendered in, each on lines of
    # its own (a statement may end with a comment).
    script: str
    # Revisions that read rows decide on what they read: their SQL is the same only in
    # a schema as empty as the one recorded.
    empty_schema_only: bool


_RECORDINGS: dict[tuple[Path, str, frozenset[str]], _Recording] = {}


def _key(lineage: Lineage) -> tuple[Path, str, frozenset[str]]:
    return (lineage.script_location, lineage.version_table, lineage.heads)


def _rendered(cursor: Any, sql: str, parameters: Any) -> str:
    """The statement as the driver sends it: its parameters quoted in, client-side."""
    return cursor.mogrify(sql, parameters).decode(encodings[cursor.connection.encoding])


def _query(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in ("SELECT", "WITH")


def _bookkeeping(sql: str) -> bool:
    """Alembic's own reads (is the version table there, which versions are applied): they
    change nothing, and a replay needs neither."""
    return _query(sql) and ("pg_catalog." in sql or "version_num" in sql)


def _empty(connection: sa.Connection, schema: str) -> bool:
    return not connection.execute(
        sa.text(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = :schema)"
        ),
        {"schema": schema},
    ).scalar_one()


def _fresh(connection: sa.Connection, lineage: Lineage, schema: str) -> bool:
    """The lineage never ran in ``schema``: it has no version table there (a lineage taken
    down to base keeps an empty one)."""
    quote = connection.dialect.identifier_preparer.quote
    return connection.execute(
        sa.text("SELECT to_regclass(:table) IS NULL"),
        {"table": f"{quote(schema)}.{quote(lineage.version_table)}"},
    ).scalar_one()


def run_recorded(connection: sa.Connection, lineage: Lineage, schema: str) -> bool:
    """Run the recorded statements of ``lineage`` in ``schema`` (its search path set) when
    the lineage never ran there; False when no recording fits."""
    recording = _RECORDINGS.get(_key(lineage))
    if recording is None or not _fresh(connection, lineage, schema):
        return False
    if recording.empty_schema_only and not _empty(connection, schema):
        return False
    cursor = connection.connection.cursor()
    try:
        cursor.execute(recording.script)
    finally:
        cursor.close()
    return True


@contextmanager
def recording(connection: sa.Connection, lineage: Lineage, schema: str) -> Iterator[None]:
    """Record the statements run on ``connection`` meanwhile as ``lineage``'s from base,
    when it has no recording yet and never ran in ``schema``."""
    key = _key(lineage)
    if key in _RECORDINGS or not _fresh(connection, lineage, schema):
        yield
        return
    empty = _empty(connection, schema)
    statements: list[str] = []
    reads = False

    def before(_c: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool) -> None:
        nonlocal reads
        if _bookkeeping(sql):
            return
        reads = reads or _query(sql)
        if many:
            statements.extend(_rendered(cursor, sql, each) for each in parameters)
        elif not parameters and context.no_parameters:
            statements.append(sql)  # the driver takes none: it reads no placeholders
        else:
            statements.append(_rendered(cursor, sql, parameters))

    sa.event.listen(connection, "before_cursor_execute", before)
    try:
        yield
    finally:
        sa.event.remove(connection, "before_cursor_execute", before)
    if empty or not reads:
        _RECORDINGS[key] = _Recording("\n;\n".join(statements), empty_schema_only=reads)
