"""Reading the one row a request names: the row, or 404 in the error envelope."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from datacapt.database.extension import db
from datacapt.errors import not_found
from datacapt.i18n import Message

T = TypeVar("T")


def one_or_404(statement: sa.Select[T], message: str | Message | None = None) -> T:
    """The one row ``statement`` selects; 404 (OBJECT_NOT_FOUND, ``message``) if none."""
    found = db.session.execute(statement).scalar_one_or_none()
    if found is None:
        raise not_found(message)
    return found


def get_by_uuid(model: type[T], public_id: Any, message: str | Message | None = None) -> T:
    """The row of ``model`` with this public id in the current tenant, or 404."""
    return one_or_404(sa.select(model).where(model.uuid == public_id), message)  # type: ignore[attr-defined]
