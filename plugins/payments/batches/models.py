"""Payment batches: validated orders of one currency paid from one debtor account, exported
together in files of record; the sponsor's debtor accounts; the bank's reports imported."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, TenantModel

USERS_ID = "users.id"
STORED_FILES_UUID = "stored_files.uuid"  # the core file storage keeps the bytes


class BatchStatus(enum.StrEnum):
    OPEN = "open"
    EXPORTING = "exporting"  # a large batch's export, queued for a job
    EXPORTED = "exported"
    CLOSED = "closed"  # every order of it paid or returned


class FileFormat(enum.StrEnum):
    SEPA = "sepa"  # ISO 20022 pain.001 credit transfer initiation, EUR only
    CSV = "csv"


class DebtorAccount(TenantModel, BaseModel, Audited):
    """The sponsor's account the transfers are paid from: tenant-wide, kept by finance."""

    __tablename__ = "payment_debtor_accounts"

    name: Mapped[str] = mapped_column(sa.String(70), unique=True)
    iban: Mapped[str] = mapped_column(sa.String(34))  # electronic form
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    street_name: Mapped[str | None] = mapped_column(sa.String(70))
    building_number: Mapped[str | None] = mapped_column(sa.String(16))
    postal_code: Mapped[str | None] = mapped_column(sa.String(16))
    town_name: Mapped[str] = mapped_column(sa.String(35))
    country: Mapped[str] = mapped_column(sa.String(2))
    active: Mapped[bool] = mapped_column(default=True)


class PaymentBatch(TenantModel, BaseModel, Audited):
    """Tenant-wide: finance pays the orders of every study together."""

    __tablename__ = "payment_batches"

    reference: Mapped[str] = mapped_column(sa.String(35), unique=True)  # the file's message id
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.OPEN)
    debtor_account_id: Mapped[int] = mapped_column(sa.ForeignKey(DebtorAccount.id), index=True)
    debtor_account: Mapped[DebtorAccount] = relationship()
    execution_date: Mapped[dt.date]  # requested of the bank
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey(USERS_ID))
    exported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    exported_at: Mapped[dt.datetime | None]
    # Why the last export job left the batch open (its error's message and details).
    export_failure: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    files: Mapped[list[BatchFile]] = relationship(
        back_populates="batch", order_by="BatchFile.format"
    )


class BatchFile(TenantModel, BaseModel, Audited):
    """A file of record of an exported batch, as stored (core file storage) and hashed when
    made: a download answers these bytes, never a new rendering."""

    __tablename__ = "payment_batch_files"
    __table_args__ = (sa.UniqueConstraint("batch_id", "format"),)

    batch_id: Mapped[int] = mapped_column(sa.ForeignKey(PaymentBatch.id), index=True)
    batch: Mapped[PaymentBatch] = relationship(back_populates="files")
    format: Mapped[str] = mapped_column(sa.String(10))
    schema: Mapped[str | None] = mapped_column(sa.String(30))  # pain.001.001.09 for SEPA
    file_uuid: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(STORED_FILES_UUID), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))


class ReportFormat(enum.StrEnum):
    PAIN_002 = "pain.002"
    CAMT_054 = "camt.054"
    CSV = "csv"


class BankReport(TenantModel, BaseModel, Audited):
    """A status report of the bank as imported: what it marked, and every line it could not
    match (kept, never guessed)."""

    __tablename__ = "payment_bank_reports"

    format: Mapped[str] = mapped_column(sa.String(10))
    file_uuid: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(STORED_FILES_UUID), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    imported_by_id: Mapped[int] = mapped_column(sa.ForeignKey(USERS_ID))
    # Each line: end_to_end_id, status, reason, amount, currency, outcome, order (uuid).
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    marked_paid: Mapped[int]
    marked_returned: Mapped[int]
    unchanged: Mapped[int]
    unmatched: Mapped[int]


MODELS: list[type] = [DebtorAccount, PaymentBatch, BatchFile, BankReport]
