"""Payment batches: validated orders of one currency grouped for one debtor account, then
exported once into files of record. Services: they flush, the request commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.toolkit import (
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    acting_user,
    conflict,
    current_tenant,
    db,
    enqueue,
    invalid,
    not_found,
    store_document,
    utcnow,
)
from plugins.ecrf.api import Section
from plugins.payments.bank_details import details_problem, electronic_iban
from plugins.payments.batches.csv_file import csv_file
from plugins.payments.batches.models import (
    BatchFile,
    BatchStatus,
    DebtorAccount,
    FileFormat,
    PaymentBatch,
)
from plugins.payments.batches.sepa import SCHEMA, SEPA_CURRENCY, sepa_file
from plugins.payments.batches.transfers import Address, BatchContent, Party, Transfer
from plugins.payments.errors import PaymentCodes
from plugins.payments.finance.scope import FinanceScope, outside
from plugins.payments.orders.models import OrderStatus, PaymentOrder
from plugins.payments.payees.models import Payee

logger = logging.getLogger(__name__)

NO_SUCH_BATCH = Message("No such payment batch.")
SETTLED = {OrderStatus.PAID, OrderStatus.RETURNED}
# Up to this many orders a batch is exported in the request; a larger one by a job.
INLINE_EXPORT_LIMIT = 1000


def list_batches(scope: FinanceScope, status: str | None = None) -> sa.Select[PaymentBatch]:
    """The batches all of whose orders are in the scope (a batch is seen whole or not at
    all), newest first."""
    statement = (
        sa.select(PaymentBatch)
        .where(
            ~sa.exists().where(
                PaymentOrder.batch_id == PaymentBatch.id, PaymentOrder.id.in_(outside(scope))
            )
        )
        .order_by(PaymentBatch.id.desc())
    )
    if status is not None:
        statement = statement.where(PaymentBatch.status == status)
    return statement


def get_batch(scope: FinanceScope, batch_uuid: Any, lock: bool = False) -> PaymentBatch:
    statement = list_batches(scope).where(PaymentBatch.uuid == batch_uuid)
    if lock:
        statement = statement.with_for_update(of=PaymentBatch)
    batch = db.session.execute(statement).scalar_one_or_none()
    if batch is None:
        raise not_found(NO_SUCH_BATCH)
    return batch


def batch_orders(batch: PaymentBatch, lock: bool = False) -> Sequence[PaymentOrder]:
    statement = (
        sa.select(PaymentOrder)
        .where(PaymentOrder.batch_id == batch.id)
        .options(orm.joinedload(PaymentOrder.participation))
        .order_by(PaymentOrder.id)
    )
    if lock:
        statement = statement.with_for_update(of=PaymentOrder)
    return db.session.execute(statement).unique().scalars().all()


def _payees(orders: Iterable[PaymentOrder]) -> dict[int, Payee]:
    """The payee of each order's subject, by subject id."""
    subjects = {order.participation.subject_id for order in orders}
    return {
        payee.subject_id: payee
        for payee in db.session.execute(sa.select(Payee).where(Payee.subject_id.in_(subjects)))
        .scalars()
        .all()
    }


def refuse_unpayable(orders: Sequence[PaymentOrder]) -> dict[int, Payee]:
    """The orders' payees; 422 listing every order whose payee has no valid bank details."""
    payees = _payees(orders)
    problems = []
    for order in orders:
        problem = details_problem(payees.get(order.participation.subject_id))
        if problem is not None:
            problems.append({"order": str(order.uuid), "problem": problem})
    if problems:
        raise invalid(
            PaymentCodes.PAYEE_BANK_DETAILS_MISSING,
            Message("Some orders' payees have no valid bank details; details.orders lists them."),
            orders=problems,
        )
    return payees


def _order_problem(order: PaymentOrder, currency: str) -> str | None:
    if order.status != OrderStatus.VALIDATED:
        return "not_validated"
    if order.batch_id is not None:
        return "in_a_batch"
    if order.currency != currency:
        return "other_currency"
    if order.amount <= 0:
        return "amount_not_positive"  # a reversal is settled with the participant, not paid
    return None


def _chosen_orders(
    scope: FinanceScope, currency: str, order_uuids: list[uuid.UUID] | None
) -> list[PaymentOrder]:
    """The orders to put in the batch, locked: those named (each checked, 409 listing what
    does not fit), or every validated order in the currency not in a batch yet."""
    statement = scope.orders().with_for_update(of=PaymentOrder).order_by(PaymentOrder.id)
    if order_uuids is None:
        statement = statement.where(
            PaymentOrder.status == OrderStatus.VALIDATED,
            PaymentOrder.batch_id.is_(None),
            PaymentOrder.currency == currency,
            PaymentOrder.amount > 0,
        )
        return list(db.session.execute(statement).scalars())
    found = {
        order.uuid: order
        for order in db.session.execute(statement.where(PaymentOrder.uuid.in_(order_uuids)))
        .scalars()
        .all()
    }
    problems = []
    for order_uuid in dict.fromkeys(order_uuids):
        order = found.get(order_uuid)
        problem = "not_found" if order is None else _order_problem(order, currency)
        if problem is not None:
            problems.append({"order": str(order_uuid), "problem": problem})
    if problems:
        raise conflict(
            PaymentCodes.BATCH_ORDERS_REFUSED,
            Message("Some orders cannot go in this batch; details.orders lists them."),
            orders=problems,
        )
    return list(found.values())


def _reference(now: dt.datetime) -> str:
    """The batch's message id: unique, at most 35 characters, the SEPA character set."""
    return f"DC{now:%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}"


def create_batch(
    scope: FinanceScope,
    account: DebtorAccount,
    currency: str,
    execution_date: dt.date,
    order_uuids: list[uuid.UUID] | None,
) -> PaymentBatch:
    """An open batch of the orders, paid from ``account`` on ``execution_date``."""
    if not account.active:
        raise conflict(
            PaymentCodes.BATCH_ORDERS_REFUSED,
            Message("The debtor account is not in use."),
            field="debtor_account",
        )
    if execution_date < utcnow().date():
        raise invalid(
            PaymentCodes.BATCH_ORDERS_REFUSED,
            Message("The execution date is past."),
            field="execution_date",
        )
    orders = _chosen_orders(scope, currency, order_uuids)
    if not orders:
        raise invalid(
            PaymentCodes.BATCH_ORDERS_REFUSED,
            Message("No validated order to pay in {currency}.", currency=currency),
            field="orders",
        )
    refuse_unpayable(orders)
    batch = PaymentBatch(
        reference=_reference(utcnow()),
        currency=currency,
        status=BatchStatus.OPEN,
        debtor_account_id=account.id,
        debtor_account=account,
        execution_date=execution_date,
        created_by_id=acting_user().id,
    )
    db.session.add(batch)
    db.session.flush()
    for order in orders:
        order.batch_id = batch.id
    db.session.flush()
    return batch


def _refuse_unless_open(batch: PaymentBatch) -> None:
    if batch.status != BatchStatus.OPEN:
        raise conflict(
            PaymentCodes.BATCH_NOT_OPEN,
            Message("The batch is exported, or being exported: it no longer changes."),
            status=batch.status,
        )


def delete_batch(batch: PaymentBatch) -> None:
    """An open batch undone: its orders are validated and in no batch again."""
    _refuse_unless_open(batch)
    for order in batch_orders(batch, lock=True):
        order.batch_id = None
    db.session.flush()
    db.session.delete(batch)
    db.session.flush()


def _party(details: Payee | DebtorAccount, name: str) -> Party:
    return Party(
        name=name,
        iban=electronic_iban(details.iban),
        bic=details.bic or None,
        address=Address(
            street_name=details.street_name,
            building_number=details.building_number,
            postal_code=details.postal_code,
            town_name=details.town_name,
            country=details.country,
        ),
    )


def _what_it_pays(order: PaymentOrder, sections: dict[int, str]) -> str:
    if order.section_id is not None and order.section_id in sections:
        return f"{order.kind} {sections[order.section_id]}"
    return str(order.kind)


def batch_content(
    batch: PaymentBatch, orders: Sequence[PaymentOrder], now: dt.datetime
) -> BatchContent:
    """What the batch's files say; 422 when a payee can no longer be paid."""
    payees = refuse_unpayable(orders)
    studies = dict(
        db.session.execute(
            sa.select(Study.id, Study.reference).where(
                Study.id.in_({order.study_id for order in orders})
            )
        ).all()
    )
    sections = _section_titles({o.section_id for o in orders if o.section_id is not None})
    account = batch.debtor_account
    return BatchContent(
        reference=batch.reference,
        created_at=now,
        execution_date=batch.execution_date,
        currency=batch.currency,
        debtor=_party(account, account.name),
        transfers=[
            Transfer(
                end_to_end_id=str(order.end_to_end_id),
                amount=order.amount,
                currency=order.currency,
                creditor=_party(payee, payee.holder_name),
                remittance=f"{studies[order.study_id]} {_what_it_pays(order, sections)}"[:140],
            )
            for order in orders
            for payee in (payees[order.participation.subject_id],)
        ],
    )


def _section_titles(section_ids: set[int]) -> dict[int, str]:
    """The sections' titles, in English or else their first language (a visit's name)."""
    titles: dict[int, str] = {}
    for section_id, title in db.session.execute(
        sa.select(Section.id, Section.title).where(Section.id.in_(section_ids))
    ):
        titles[section_id] = title.get("en") or next(iter(title.values()), "")
    return titles


def _store(batch: PaymentBatch, file_format: FileFormat, content: bytes) -> BatchFile:
    extension, content_type, schema = (
        ("xml", "application/xml", SCHEMA)
        if file_format == FileFormat.SEPA
        else ("csv", "text/csv", None)
    )
    name = f"{batch.reference}.{extension}"
    stored = store_document(name, content_type, content)
    batch_file = BatchFile(
        batch_id=batch.id,
        format=file_format,
        schema=schema,
        file_uuid=stored.uuid,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    db.session.add(batch_file)
    return batch_file


def request_export(batch: PaymentBatch) -> PaymentBatch:
    """Export the batch for the caller: in the request up to ``INLINE_EXPORT_LIMIT``
    orders, else queued for a job (the batch is ``exporting`` until it ran). Payees that
    cannot be paid are refused now either way."""
    _refuse_unless_open(batch)
    orders = batch_orders(batch, lock=True)
    if not orders:  # every order left it (its visits undone): a file pays nobody
        raise conflict(
            PaymentCodes.BATCH_ORDERS_REFUSED,
            Message("The batch has no order left to pay: delete it."),
            orders=[],
        )
    batch.exported_by_id = acting_user().id
    if len(orders) <= INLINE_EXPORT_LIMIT:
        return export_batch(batch, orders)
    refuse_unpayable(orders)
    batch.status = BatchStatus.EXPORTING
    batch.export_failure = None
    db.session.flush()
    enqueue("plugins.payments.jobs.export_batch", str(batch.uuid), tenant=current_tenant())
    return batch


def export_batch(batch: PaymentBatch, orders: Sequence[PaymentOrder]) -> PaymentBatch:
    """The batch's orders exported, each with its end-to-end id, and its files made once
    and stored: the CSV always, the SEPA pain.001 file for a batch in euro."""
    now = utcnow()
    for order in orders:
        # The order's public id, in the 32 characters SEPA allows: unique, never reused.
        order.end_to_end_id = order.uuid.hex.upper()
        order.transition_to(OrderStatus.EXPORTED)
    content = batch_content(batch, orders, now)
    if batch.currency == SEPA_CURRENCY:
        _store(batch, FileFormat.SEPA, sepa_file(content))
    _store(batch, FileFormat.CSV, csv_file(content))
    batch.status = BatchStatus.EXPORTED
    batch.exported_at = now
    db.session.flush()
    return batch


def export_in_job(batch: PaymentBatch) -> None:
    """The job's part: the export, or (a payee changed since it was queued) the batch open
    again with the reason kept in ``export_failure``."""
    if batch.status != BatchStatus.EXPORTING:
        return  # a second delivery of the job
    # A savepoint, not a commit (the job commits): what the export did is undone on refusal.
    savepoint = db.session.begin_nested()
    try:
        export_batch(batch, batch_orders(batch, lock=True))
    except DatacaptException as refused:
        savepoint.rollback()
        _reopen(batch, refused.internal_code.name, refused.details)
    except Exception:
        # A failure of the file's making or storing: the batch must not stay exporting
        # with its orders held; the error itself goes to the log.
        logger.exception("Exporting payment batch %s failed", batch.uuid)
        savepoint.rollback()
        _reopen(batch, InternalCodes.INTERNAL_ERROR.name, {})


def _reopen(batch: PaymentBatch, internal_name: str, details: Any) -> None:
    batch.status = BatchStatus.OPEN
    batch.export_failure = {"internal_name": internal_name, "details": details}
    db.session.flush()


def close_settled(batch_ids: Iterable[int]) -> None:
    """Close each exported batch whose every order is paid or returned."""
    for batch in db.session.execute(
        sa.select(PaymentBatch).where(
            PaymentBatch.id.in_(set(batch_ids)),
            PaymentBatch.status == BatchStatus.EXPORTED,
            ~sa.exists().where(
                PaymentOrder.batch_id == PaymentBatch.id, PaymentOrder.status.not_in(SETTLED)
            ),
        )
    ).scalars():
        batch.status = BatchStatus.CLOSED
    db.session.flush()


def batch_totals(batch: PaymentBatch) -> dict[str, Any]:
    """The batch's count and sum of orders, and how many are in each status."""
    rows = db.session.execute(
        sa.select(PaymentOrder.status, sa.func.count(), sa.func.sum(PaymentOrder.amount))
        .where(PaymentOrder.batch_id == batch.id)
        .group_by(PaymentOrder.status)
    ).all()
    return {
        "count": sum(count for _, count, _ in rows),
        "total": sum((total for _, _, total in rows), start=Decimal(0)),
        "by_status": {status: count for status, count, _ in rows},
    }
