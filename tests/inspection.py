"""Reading a tenant schema directly, beside the application, to check what it wrote."""

from __future__ import annotations

import sqlalchemy as sa


def table_ids(engine: sa.Engine, schema: str, table: str) -> list[int] | None:
    """The ``id`` column of ``schema.table``, or None when the table does not exist."""
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT to_regclass(:name)"), {"name": f"{schema}.{table}"}
        ).scalar()
        if exists is None:
            return None
        return (
            connection.execute(sa.text(f'SELECT id FROM "{schema}"."{table}" ORDER BY id'))
            .scalars()
            .all()
        )
