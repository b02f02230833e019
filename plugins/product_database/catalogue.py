"""The tenant's products and the documents attached to them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    conflict,
    contains_text,
    current_tenant,
    db,
    file_exists,
    get_by_uuid,
    invalid,
)
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import Product, ProductDocument

NO_SUCH_PRODUCT = Message("No such product.")
PRODUCT_FIELDS = ("code", "name", "kind", "manufacturer", "description")
CODES_LOCK = 71_400_001  # the advisory lock of a tenant's product codes, with the tenant


def get_product(product_uuid: Any, lock: bool = False) -> Product:
    if not lock:
        return get_by_uuid(Product, product_uuid, NO_SUCH_PRODUCT)
    statement = sa.select(Product).where(Product.uuid == product_uuid).with_for_update()
    found = db.session.execute(statement).scalar_one_or_none()
    if found is None:
        return get_by_uuid(Product, product_uuid, NO_SUCH_PRODUCT)  # the 404
    return found


def list_products(filters: Mapping[str, Any]) -> sa.Select:
    statement = sa.select(Product).order_by(Product.name, Product.id)
    if filters.get("kind"):
        statement = statement.where(Product.kind == filters["kind"])
    if filters.get("search"):
        statement = statement.where(
            contains_text(
                filters["search"],
                Product.name,
                sa.func.coalesce(Product.code, ""),
                sa.func.coalesce(Product.manufacturer, ""),
            )
        )
    return statement


def taken_codes(codes: set[str]) -> set[str]:
    """Which of these codes products of the tenant already have (whatever the case)."""
    if not codes:
        return set()
    lowered = {code.lower() for code in codes}
    found = db.session.execute(
        sa.select(Product.code).where(sa.func.lower(Product.code).in_(lowered))
    ).scalars()
    return {code.lower() for code in found if code}


def lock_codes() -> None:
    """Serialize, until the transaction ends, whatever gives products their codes: two
    requests never both find a code free and then both take it."""
    tenant = sa.func.hashtext(current_tenant().schema_name)  # advisory locks span schemas
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(CODES_LOCK, tenant)))


def _check_code(code: str, product: Product | None = None) -> None:
    lock_codes()
    statement = sa.select(Product.id).where(sa.func.lower(Product.code) == code.lower())
    if product is not None:
        statement = statement.where(Product.id != product.id)
    if db.session.execute(statement).first():
        raise conflict(
            ProductCodes.PRODUCT_CODE_TAKEN,
            Message("Another product has the code {code}.", code=code),
            field="code",
            code=code,
        )


def create_product(data: Mapping[str, Any]) -> Product:
    _check_code(data["code"])
    product = Product(**{name: data.get(name) for name in PRODUCT_FIELDS})
    db.session.add(product)
    db.session.flush()
    return product


def update_product(product: Product, data: Mapping[str, Any]) -> Product:
    if "code" in data:
        _check_code(data["code"], product)
    for name in PRODUCT_FIELDS:
        if name in data:
            setattr(product, name, data[name])
    db.session.flush()
    return product


def checked_file(file_uuid: uuid.UUID) -> uuid.UUID:
    """The id of an upload of the tenant (``POST /api/files/``), else 422."""
    if not file_exists(str(file_uuid)):
        raise invalid(
            ProductCodes.ATTACHMENT_INVALID,
            Message("No such file: upload it first."),
            field="file",
        )
    return file_uuid


def attach_document(product: Product, file_uuid: uuid.UUID, title: str) -> ProductDocument:
    checked_file(file_uuid)
    if any(document.file_uuid == file_uuid for document in product.documents):
        raise conflict(
            ProductCodes.ATTACHMENT_INVALID,
            Message("This file is attached to the product already."),
            field="file",
        )
    document = ProductDocument(product=product, file_uuid=file_uuid, title=title)
    db.session.add(document)
    db.session.flush()
    return document
