"""The `search` filter of list endpoints: a case-insensitive substring of some columns."""

from __future__ import annotations

import sqlalchemy as sa


def contains_text(search: str, *columns: sa.SQLColumnExpression[str]) -> sa.ColumnElement[bool]:
    """True where any column contains ``search``, whatever the case (LIKE wildcards escaped)."""
    escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
