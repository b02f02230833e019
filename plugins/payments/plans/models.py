"""A study's payment plans and their versions: what a participant earns, per visit or for
the study, in one currency, as approved (by the ethics committee) on a date."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel


class PlanKind(enum.StrEnum):
    PER_VISIT = "per_visit"
    PER_STUDY = "per_study"


class VersionStatus(enum.StrEnum):
    """A draft changes freely; an approved version never changes again."""

    DRAFT = "draft"
    APPROVED = "approved"


class PaymentPlan(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "payment_plans"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number"
    )


class PlanVersion(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Orders keep the version they were made under."""

    __tablename__ = "payment_plan_versions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey(PaymentPlan.id), index=True)
    plan: Mapped[PaymentPlan] = relationship(back_populates="versions")
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    currency: Mapped[str] = mapped_column(sa.String(3))  # ISO 4217
    # The amounts: per visit (eCRF section), a completion bonus, travel lines, pro rata.
    terms: Mapped[dict[str, Any]] = mapped_column(JSONB)
    approval_reference: Mapped[str | None] = mapped_column(sa.String(200))
    approval_date: Mapped[dt.date | None]  # the approving body's date (the ethics committee's)
    status: Mapped[str] = mapped_column(sa.String(20), default=VersionStatus.DRAFT)
    # Each save and the approval move it on: the ETag an edit or approval must name.
    revision: Mapped[int] = mapped_column(default=1)
    # From this moment on, what happens is paid under this version.
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


MODELS: list[type] = [PaymentPlan, PlanVersion]
