"""Page-number pagination for SQLAlchemy selects (flask-smorest's X-Pagination header)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.database import db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

MAX_PAGE = 1_000_000


def paginate(statement: sa.Select, pagination_parameters: Any, rows: bool = False) -> list[Any]:
    """One page of ``statement``'s results (its first entity, or whole rows with ``rows``);
    sets the total for the X-Pagination header; 422 for a page beyond ``MAX_PAGE``."""
    if pagination_parameters.page > MAX_PAGE:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("The request did not validate"),
            fields={"page": [Message("At most {limit}.", limit=MAX_PAGE)]},
        )
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    pagination_parameters.item_count = total
    page, size = pagination_parameters.page, pagination_parameters.page_size
    result = db.session.execute(statement.limit(size).offset((page - 1) * size))
    return list(result.all() if rows else result.scalars())
