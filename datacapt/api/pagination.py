"""The one pagination of every list: `page` and `page_size` in, the `X-Pagination` header out.

Views use ``datacapt.api.blueprint.Blueprint`` (built on this module's
``PaginatedBlueprint``, flask-smorest's whose header always names the page asked for, even
past the last one) with ``@blp.paginate()`` and return
``paginate(statement_or_sequence, pagination_parameters)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from apispec import APISpec

from datacapt.database import db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

MAX_PAGE = 1_000_000

PAGINATION_HEADER_NAME = "X-Pagination"


class PaginationMetadataSchema(ma.Schema):
    """What the X-Pagination header holds, as JSON."""

    total = ma.fields.Integer(metadata={"description": "Number of items in the whole list."})
    total_pages = ma.fields.Integer(metadata={"description": "Number of pages (0 when empty)."})
    page = ma.fields.Integer(metadata={"description": "The page asked for, even past the last."})
    first_page = ma.fields.Integer(metadata={"description": "1, unless the list is empty."})
    last_page = ma.fields.Integer(metadata={"description": "The last page, unless empty."})
    previous_page = ma.fields.Integer(metadata={"description": "Present from page 2 on."})
    next_page = ma.fields.Integer(metadata={"description": "Present before the last page."})


def register_pagination_header(spec: APISpec) -> None:
    """Declare the header as what is sent: a string holding a JSON object."""
    spec.components.schema("PaginationMetadata", schema=PaginationMetadataSchema)
    spec.components.header(
        "PAGINATION",
        {
            "description": "Pagination of the list, a JSON object in a string: "
            '`{"total": 42, "total_pages": 5, "page": 2, "first_page": 1, "last_page": 5, '
            '"previous_page": 1, "next_page": 3}`.',
            "schema": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": "#/components/schemas/PaginationMetadata"},
            },
        },
        lazy=True,
    )


class PaginatedBlueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the platform's X-Pagination."""

    PAGINATION_HEADER_NAME = PAGINATION_HEADER_NAME

    @staticmethod
    def _make_pagination_metadata(page: int, page_size: int, item_count: int) -> dict[str, Any]:
        total_pages = -(-item_count // page_size)
        metadata: dict[str, Any] = {"total": item_count, "total_pages": total_pages, "page": page}
        if total_pages:
            metadata.update(first_page=1, last_page=total_pages)
            if page < total_pages:
                metadata["next_page"] = page + 1
        if page > 1:
            metadata["previous_page"] = min(page - 1, max(total_pages, 1))
        return PaginationMetadataSchema().dump(metadata)


def paginate(
    source: sa.Select | Sequence[Any], pagination_parameters: Any, rows: bool = False
) -> list[Any]:
    """One page of ``source``: a select (its first entity, or whole rows with ``rows``) or a
    list already loaded; sets the total for the X-Pagination header; 422 for a page beyond
    ``MAX_PAGE``."""
    page, size = pagination_parameters.page, pagination_parameters.page_size
    if page > MAX_PAGE:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("The request did not validate"),
            fields={"page": [Message("At most {limit}.", limit=MAX_PAGE)]},
        )
    if not isinstance(source, sa.Select):
        pagination_parameters.item_count = len(source)
        return list(source[(page - 1) * size : page * size])
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(source.order_by(None).subquery())
    ).scalar_one()
    pagination_parameters.item_count = total
    result = db.session.execute(source.limit(size).offset((page - 1) * size))
    return list(result.all() if rows else result.scalars())
