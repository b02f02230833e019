"""Formula versions: ingredients by INCI name (CAS number, percentage w/w or q.s.), edited
as a draft, approved once and immutable from then on, retired when a new one is approved.

A draft may hold any part of the formula, as long as its percentages add up to at most
100 %. Approval requires the whole formula: percentages adding up to 100 % within
``TOLERANCE``, or at most 100 % minus something left for the one q.s. ingredient."""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    conflict,
    db,
    document_etag,
    one_or_404,
    require_current,
    utcnow,
)
from plugins.product_database.acting import actor_id
from plugins.product_database.cas import is_cas_number
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import (
    FormulaIngredient,
    FormulaStatus,
    FormulaVersion,
    Product,
    ProductKind,
)

HUNDRED = decimal.Decimal(100)
#: How far from 100 % an approved formula without q.s. may add up (rounding of the sheet).
TOLERANCE = decimal.Decimal("0.01")
PLACES = 4  # percentages are kept to 4 decimal places
STORED_PLACES = decimal.Decimal("0.0001")
DOCUMENT = "formula_version"


def total(ingredients: Sequence[Any]) -> decimal.Decimal:
    """The sum of the percentages given (q.s. excluded)."""
    return sum(
        (item.percentage for item in ingredients if item.percentage is not None),
        decimal.Decimal(0),
    )


def quantum_satis_share(version: FormulaVersion) -> decimal.Decimal | None:
    """What the q.s. ingredient makes up (100 % minus the rest); None without one."""
    if not any(item.quantum_satis for item in version.ingredients):
        return None
    return HUNDRED - total(version.ingredients)


def _refusal(problems: dict[str, list[Message]]) -> DatacaptException:
    return DatacaptException(
        ErrorCode.VALIDATION_ERROR,
        ProductCodes.FORMULA_INVALID,
        Message("The formula has problems; see each ingredient."),
        fields=problems,
    )


def _problems(ingredients: Sequence[Mapping[str, Any]]) -> dict[str, list[Message]]:
    problems: dict[str, list[Message]] = {}

    def add(index: int | None, message: Message) -> None:
        key = "ingredients" if index is None else f"ingredients.{index}"
        problems.setdefault(key, []).append(message)

    names: set[str] = set()
    summed, quantum_satis = decimal.Decimal(0), 0
    for index, item in enumerate(ingredients):
        name = item["inci_name"].strip().lower()
        if name in names:
            add(index, Message("This INCI name is in the formula already."))
        names.add(name)
        cas = item.get("cas_number")
        if cas and not is_cas_number(cas):
            add(index, Message("{cas} is not a valid CAS number.", cas=cas))
        percentage = item.get("percentage")
        if item.get("quantum_satis"):
            quantum_satis += 1
            if percentage is not None:
                add(index, Message("A q.s. ingredient has no percentage of its own."))
        elif percentage is None:
            add(index, Message("Give a percentage, or mark the ingredient q.s."))
        if percentage is not None:
            exponent = percentage.as_tuple().exponent
            if not 0 < percentage <= HUNDRED:
                add(index, Message("A percentage lies above 0 and at most 100."))
            elif isinstance(exponent, int) and exponent < -PLACES:
                add(index, Message("A percentage has at most 4 decimal places."))
            else:
                summed += percentage
    if quantum_satis > 1:
        add(None, Message("A formula has at most one q.s. ingredient."))
    if summed > HUNDRED:
        add(None, Message("The percentages add up to {total} %, over 100 %.", total=summed))
    return problems


def _formulable(product: Product) -> None:
    if product.kind == ProductKind.DEVICE:
        raise conflict(ProductCodes.FORMULA_NOT_APPLICABLE, Message("A device has no formula."))


def list_versions(product: Product) -> sa.Select:
    return (
        sa.select(FormulaVersion)
        .where(FormulaVersion.product_id == product.id)
        .order_by(FormulaVersion.number.desc())
    )


def get_version(product: Product, number: int) -> FormulaVersion:
    return one_or_404(
        sa.select(FormulaVersion).where(
            FormulaVersion.product_id == product.id, FormulaVersion.number == number
        ),
        Message("No such formula version."),
    )


def _set_ingredients(version: FormulaVersion, ingredients: Sequence[Mapping[str, Any]]) -> None:
    problems = _problems(ingredients)
    if problems:
        raise _refusal(problems)
    for old in list(version.ingredients):
        db.session.delete(old)
    db.session.flush()
    version.ingredients = [
        FormulaIngredient(
            position=position,
            inci_name=item["inci_name"].strip(),
            cas_number=item.get("cas_number") or None,
            percentage=_stored(None if item.get("quantum_satis") else item.get("percentage")),
            quantum_satis=bool(item.get("quantum_satis")),
        )
        for position, item in enumerate(ingredients, start=1)
    ]


def _stored(percentage: decimal.Decimal | None) -> decimal.Decimal | None:
    """A percentage as the table keeps it (4 decimal places, as read back)."""
    return None if percentage is None else percentage.quantize(STORED_PLACES)


def _copied(version: FormulaVersion) -> list[dict[str, Any]]:
    return [
        {
            "inci_name": item.inci_name,
            "cas_number": item.cas_number,
            "percentage": item.percentage,
            "quantum_satis": item.quantum_satis,
        }
        for item in version.ingredients
    ]


def create_draft(product: Product, data: Mapping[str, Any]) -> FormulaVersion:
    """A new draft version (the caller locked the product): the ingredients given, else
    those of the latest version."""
    _formulable(product)
    versions = db.session.execute(list_versions(product)).scalars().all()
    if any(version.status == FormulaStatus.DRAFT for version in versions):
        raise conflict(
            ProductCodes.FORMULA_DRAFT_EXISTS,
            Message("The product has a draft formula version already: change that one."),
        )
    ingredients = data.get("ingredients")
    if ingredients is None:
        ingredients = _copied(versions[0]) if versions else []
    version = FormulaVersion(
        product_id=product.id,
        number=(versions[0].number + 1) if versions else 1,
        status=FormulaStatus.DRAFT,
        notes=data.get("notes"),
    )
    db.session.add(version)
    _set_ingredients(version, ingredients)
    db.session.flush()
    return version


def _draft_only(version: FormulaVersion) -> None:
    if version.status != FormulaStatus.DRAFT:
        raise conflict(
            ProductCodes.FORMULA_NOT_DRAFT,
            Message(
                "Formula version {number} is {status}: it cannot change.",
                number=version.number,
                status=version.status,
            ),
            status=version.status,
        )


def etag(version: FormulaVersion) -> str:
    return document_etag(DOCUMENT, version.uuid, version.revision)


def save_draft(version: FormulaVersion, data: Mapping[str, Any]) -> FormulaVersion:
    """The draft replaced whole, based on the revision read (If-Match; the caller locked
    the product)."""
    require_current(etag(version))
    _draft_only(version)
    if "notes" in data:
        version.notes = data["notes"]
    _set_ingredients(version, data["ingredients"])
    version.revision += 1
    db.session.flush()
    return version


def _approval_problems(version: FormulaVersion) -> list[Message]:
    if not version.ingredients:
        return [Message("The formula has no ingredient.")]
    summed = total(version.ingredients)
    if any(item.quantum_satis for item in version.ingredients):
        if summed >= HUNDRED:
            return [Message("The percentages leave nothing for the q.s. ingredient.")]
    elif abs(summed - HUNDRED) > TOLERANCE:
        return [
            Message(
                "The percentages add up to {total} %: an approved formula adds up to 100 %"
                " (within 0.01) or has a q.s. ingredient.",
                total=summed,
            )
        ]
    return []


def approve(product: Product, version: FormulaVersion) -> FormulaVersion:
    """Approve the draft as read (If-Match; the caller locked the product): immutable from
    now, and the product's formula (the version approved before retires)."""
    require_current(etag(version))
    _draft_only(version)
    problems = _approval_problems(version)
    if problems:
        raise conflict(
            ProductCodes.FORMULA_NOT_APPROVABLE,
            problems[0],
            total=str(total(version.ingredients)),
        )
    now = utcnow()
    for other in db.session.execute(
        sa.select(FormulaVersion).where(
            FormulaVersion.product_id == product.id,
            FormulaVersion.status == FormulaStatus.APPROVED,
        )
    ).scalars():
        other.transition_to(FormulaStatus.RETIRED)
        other.retired_at = now
    version.transition_to(FormulaStatus.APPROVED)
    version.approved_by_id = actor_id()
    version.approved_at = now
    db.session.flush()
    return version


def retire(version: FormulaVersion) -> FormulaVersion:
    """No new batch is made of it (its batches keep it)."""
    version.transition_to(FormulaStatus.RETIRED)
    version.retired_at = utcnow()
    db.session.flush()
    return version
