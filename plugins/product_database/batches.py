"""Batches: made in quarantine, released for use, moved back to quarantine or recalled
(each with its reason), and expired by the platform once past their expiry date. Every
step is in the batch's history and its audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    conflict,
    contains_text,
    current_reason,
    db,
    get_by_uuid,
    invalid,
    reason_for_change,
    reason_required,
    utcnow,
)
from plugins.product_database.acting import actor_id
from plugins.product_database.catalogue import checked_file
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import (
    Batch,
    BatchCertificate,
    BatchStatus,
    BatchStatusChange,
    FormulaStatus,
    FormulaVersion,
    Product,
    StudyProduct,
)
from plugins.product_database.signals import batch_withdrawn

NO_SUCH_BATCH = Message("No such batch.")
DETAIL_FIELDS = (
    "number",
    "expiry_date",
    "manufacture_date",
    "period_after_opening_days",
    "storage_conditions",
    "quantity",
    "unit",
)
#: Changes that take a batch out of use, and so need a reason when a person makes them.
WITHDRAWING = frozenset({BatchStatus.QUARANTINE, BatchStatus.RECALLED})
EXPIRY_REASON = "Past its expiry date"
QUANTITY_PLACES = decimal.Decimal("0.001")


def today() -> dt.date:
    """The date batches are judged on (UTC): a batch is usable through its expiry date."""
    return utcnow().date()


def get_batch(batch_uuid: Any, lock: bool = False) -> Batch:
    if lock:
        found = db.session.execute(
            sa.select(Batch).where(Batch.uuid == batch_uuid).with_for_update()
        ).scalar_one_or_none()
        if found is not None:
            return found
    return get_by_uuid(Batch, batch_uuid, NO_SUCH_BATCH)


def list_batches(filters: Mapping[str, Any]) -> sa.Select:
    statement = sa.select(Batch).join(Batch.product).order_by(Batch.number, Batch.id)
    if filters.get("product"):
        statement = statement.where(Product.uuid == filters["product"])
    if filters.get("status"):
        statement = statement.where(Batch.status == filters["status"])
    if filters.get("search"):
        statement = statement.where(contains_text(filters["search"], Batch.number))
    return statement


def formula_of(product: Product, number: int) -> FormulaVersion | None:
    """The product's formula version ``number`` if a batch may be made of it (approved)."""
    return db.session.execute(
        sa.select(FormulaVersion).where(
            FormulaVersion.product_id == product.id,
            FormulaVersion.number == number,
            FormulaVersion.status == FormulaStatus.APPROVED,
        )
    ).scalar_one_or_none()


def detail_problems(values: Mapping[str, Any]) -> dict[str, Message]:
    """What is inconsistent between a batch's details, by field (empty: nothing)."""
    problems: dict[str, Message] = {}
    made, expires = values.get("manufacture_date"), values.get("expiry_date")
    if made is not None and expires is not None and expires < made:
        problems["expiry_date"] = Message("The expiry date is before the manufacture date.")
    if (values.get("quantity") is None) != (values.get("unit") is None):
        problems["unit"] = Message("A quantity goes with its unit.")
    return problems


def number_taken(product: Product, number: str, batch: Batch | None = None) -> bool:
    statement = sa.select(Batch.id).where(Batch.product_id == product.id, Batch.number == number)
    if batch is not None:
        statement = statement.where(Batch.id != batch.id)
    return db.session.execute(statement).first() is not None


def _check(product: Product, values: Mapping[str, Any], batch: Batch | None = None) -> None:
    if number_taken(product, values["number"], batch):
        raise conflict(
            ProductCodes.BATCH_NUMBER_TAKEN,
            Message("The product has a batch {number} already.", number=values["number"]),
            field="number",
        )
    problems = detail_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise invalid(ProductCodes.BATCH_INVALID, message, field=field)


def _record(batch: Batch, previous: str | None, reason: str | None) -> None:
    db.session.add(
        BatchStatusChange(
            batch=batch,
            from_status=previous,
            to_status=batch.status,
            reason=reason,
            changed_by_id=actor_id(),
        )
    )


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """The details as the table keeps them (a quantity to 3 decimal places, as read back)."""
    stored = {name: values.get(name) for name in DETAIL_FIELDS}
    if stored["quantity"] is not None:
        stored["quantity"] = decimal.Decimal(stored["quantity"]).quantize(QUANTITY_PLACES)
    return stored


def create_batch(product: Product, data: Mapping[str, Any]) -> Batch:
    """A new batch of the product, in quarantine until released."""
    _check(product, data)
    formula = None
    if data.get("formula_version") is not None:
        formula = formula_of(product, data["formula_version"])
        if formula is None:
            raise invalid(
                ProductCodes.BATCH_INVALID,
                Message(
                    "The product has no approved formula version {number}.",
                    number=data["formula_version"],
                ),
                field="formula_version",
            )
    batch = Batch(
        product=product,
        formula_version=formula,
        status=BatchStatus.QUARANTINE,
        **_stored(data),
    )
    db.session.add(batch)
    _record(batch, None, current_reason())
    db.session.flush()
    return batch


def update_batch(batch: Batch, data: Mapping[str, Any]) -> Batch:
    """Correct a batch's details: a quality record, so always with a reason."""
    if current_reason() is None:
        raise reason_required([Batch.__tablename__])
    values = {name: data.get(name, getattr(batch, name)) for name in DETAIL_FIELDS}
    _check(batch.product, values, batch)
    for name, value in _stored(values).items():
        setattr(batch, name, value)
    db.session.flush()
    return batch


def _withdrawn(batch: Batch, previous: str, reason: str | None) -> None:
    db.session.flush()
    batch_withdrawn.send(batch, status=batch.status, previous=previous, reason=reason)


def change_status(batch: Batch, status: str) -> Batch:
    """Release, quarantine again or recall the batch (the caller locked it); taking it out
    of use needs a reason (Reason-For-Change or the body's reason_for_change)."""
    reason = current_reason()
    if status in WITHDRAWING and status != batch.status and reason is None:
        raise reason_required([Batch.__tablename__])
    expiry = batch.expiry_date
    if status == BatchStatus.RELEASED and expiry is not None and expiry < today():
        raise conflict(
            ProductCodes.BATCH_EXPIRED,
            Message(
                "Batch {number} expired on {date}: it cannot be released.",
                number=batch.number,
                date=expiry.isoformat(),
            ),
            expiry_date=expiry.isoformat(),
        )
    previous = batch.status
    if previous == status:
        return batch
    batch.transition_to(status)
    _record(batch, previous, reason)
    if status in WITHDRAWING:
        _withdrawn(batch, previous, reason)
    db.session.flush()
    return batch


def expire_due(day: dt.date | None = None) -> int:
    """Mark the tenant's batches past their expiry date expired; how many were."""
    day = day or today()
    due = (
        db.session.execute(
            sa.select(Batch)
            .where(
                Batch.status.in_((BatchStatus.QUARANTINE, BatchStatus.RELEASED)),
                Batch.expiry_date < day,
            )
            .order_by(Batch.id)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    with reason_for_change(EXPIRY_REASON):
        for batch in due:
            previous = batch.status
            batch.transition_to(BatchStatus.EXPIRED)
            _record(batch, previous, EXPIRY_REASON)
            _withdrawn(batch, previous, None)
    db.session.flush()
    return len(due)


def attach_certificate(batch: Batch, file_uuid: uuid.UUID, title: str) -> BatchCertificate:
    checked_file(file_uuid)
    if any(certificate.file_uuid == file_uuid for certificate in batch.certificates):
        raise conflict(
            ProductCodes.ATTACHMENT_INVALID,
            Message("This file is attached to the batch already."),
            field="file",
        )
    certificate = BatchCertificate(batch=batch, file_uuid=file_uuid, title=title)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def studies_of(batch: Batch) -> list[Study]:
    """The studies that use the batch's product: where a recall of it must reach."""
    return list(
        db.session.execute(
            sa.select(Study)
            .join(StudyProduct, StudyProduct.study_id == Study.id)
            .where(StudyProduct.product_id == batch.product_id)
            .order_by(Study.reference)
        ).scalars()
    )


def of_product(product_id: int) -> list[Batch]:
    return list(
        db.session.execute(
            sa.select(Batch).where(Batch.product_id == product_id).order_by(Batch.number)
        ).scalars()
    )
