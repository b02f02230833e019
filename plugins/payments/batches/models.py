"""Payment batches: validated orders of one currency, exported together in one file."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import Audited, BaseModel, TenantModel


class BatchStatus(enum.StrEnum):
    OPEN = "open"
    EXPORTED = "exported"
    CLOSED = "closed"  # every order of it paid or returned


class PaymentBatch(TenantModel, BaseModel, Audited):
    """Tenant-wide: finance pays the orders of every study together."""

    __tablename__ = "payment_batches"

    reference: Mapped[str] = mapped_column(sa.String(35), unique=True)  # the file's message id
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.OPEN)


MODELS: list[type] = [PaymentBatch]
