"""The products a study uses. In a blinded study each has a blinding code, unique in the
study, and blinded roles know it by that code only: the study is blinded when its products
have codes, and either all of them have one or none, so that an open product never tells
which product a code stands for. Writing a code is writing the key: it needs
``products.view_blinded``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    BlindedValue,
    Message,
    Study,
    conflict,
    current_reason,
    db,
    forbidden,
    get_in_study,
    may_see,
    reason_required,
    study_query,
)
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import Product, StudyProduct
from plugins.product_database.permissions import PRODUCT, VIEW_BLINDED

NO_SUCH_STUDY_PRODUCT = Message("No such product in the study.")


def list_study_products(study: Study) -> sa.Select:
    return study_query(StudyProduct, study=study).order_by(
        StudyProduct.blinding_code, StudyProduct.id
    )


def get_study_product(study: Study, study_product_uuid: Any) -> StudyProduct:
    return get_in_study(StudyProduct, study_product_uuid, NO_SUCH_STUDY_PRODUCT, study=study)


def ensure_may_write_key() -> None:
    """403 unless the caller may see the products behind the codes they write."""
    if not may_see(PRODUCT):
        raise forbidden(
            ProductCodes.BLINDING_KEY_FORBIDDEN,
            Message(
                "Writing a blinding code reveals the product behind it: it needs {permission}.",
                permission=VIEW_BLINDED,
            ),
            permission=VIEW_BLINDED,
        )


def _lock(study: Study) -> list[StudyProduct]:
    """The study's products, with the study locked so declarations follow one another."""
    db.session.execute(sa.select(Study.id).where(Study.id == study.id).with_for_update())
    return list(
        db.session.execute(
            sa.select(StudyProduct).where(StudyProduct.study_id == study.id)
        ).scalars()
    )


def _code_taken(code: str) -> Exception:
    return conflict(
        ProductCodes.BLINDING_CODE_TAKEN,
        Message("Another product of the study has the code {code}.", code=code),
        field="blinding_code",
    )


def declare(study: Study, product: Product, code: str | None) -> StudyProduct:
    """The study uses ``product``, under ``code`` where the study is blinded."""
    declared = _lock(study)
    if any(row.product_id == product.id for row in declared):
        raise conflict(
            ProductCodes.PRODUCT_ALREADY_IN_STUDY,
            Message(
                "The study uses {product} already.", product=BlindedValue(PRODUCT, product.name)
            ),
            field="product",
        )
    if declared and (declared[0].blinding_code is None) != (code is None):
        blinded = declared[0].blinding_code is not None
        raise conflict(
            ProductCodes.BLINDING_INCONSISTENT,
            Message("The study's products have blinding codes: give this one a code too.")
            if blinded
            else Message("The study's products are open (no blinding code): give none."),
            field="blinding_code",
            blinded=blinded,
        )
    if code is not None and any(row.blinding_code == code for row in declared):
        raise _code_taken(code)
    study_product = StudyProduct(study_id=study.id, product_id=product.id, blinding_code=code)
    db.session.add(study_product)
    db.session.flush()
    return study_product


def change_code(study: Study, study_product: StudyProduct, code: str) -> StudyProduct:
    """Give a blinded study's product another code (with a reason)."""
    declared = _lock(study)
    if study_product.blinding_code is None:
        raise conflict(
            ProductCodes.BLINDING_INCONSISTENT,
            Message("The study's products are open (no blinding code): give none."),
            field="blinding_code",
            blinded=False,
        )
    if code == study_product.blinding_code:
        return study_product
    if current_reason() is None:
        raise reason_required([StudyProduct.__tablename__])
    if any(row.blinding_code == code for row in declared):
        raise _code_taken(code)
    study_product.blinding_code = code
    db.session.flush()
    return study_product


def is_blinded(study_product: StudyProduct) -> bool:
    """Whether the product hides behind its code (a blinded study's)."""
    return study_product.blinding_code is not None
