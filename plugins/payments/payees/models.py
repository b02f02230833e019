"""Whom a subject's payments go to: bank details and a structured postal address (SEPA
rulebooks refuse unstructured ones), personal data read only with ``payments.view_payees``."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import AuditContext, Audited, BaseModel, TenantModel, db, request_study
from plugins.payments.permissions import BANK_DETAILS
from plugins.subjects.api import Subject, SubjectInStudy

_DETAILS = frozenset(
    {
        "holder_name",
        "iban",
        "bic",
        "street_name",
        "building_number",
        "postal_code",
        "town_name",
        "country",
    }
)


class Payee(TenantModel, BaseModel, Audited):
    """A subject's bank details, once per tenant (a volunteer paid by several studies)."""

    __tablename__ = "payment_payees"

    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), unique=True)
    holder_name: Mapped[str] = mapped_column(sa.String(140))
    iban: Mapped[str] = mapped_column(sa.String(34))  # electronic form: no spaces, upper case
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    street_name: Mapped[str | None] = mapped_column(sa.String(70))
    building_number: Mapped[str | None] = mapped_column(sa.String(16))
    postal_code: Mapped[str | None] = mapped_column(sa.String(16))
    town_name: Mapped[str] = mapped_column(sa.String(35))
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2

    audit_sensitive = {BANK_DETAILS: _DETAILS}

    def audit_context(self) -> AuditContext:
        """The subject's participation in the study the change or read is made in (a
        person's payee belongs to each of their studies' centers)."""
        study = request_study()
        participation = (
            db.session.execute(
                sa.select(SubjectInStudy).where(
                    SubjectInStudy.subject_id == self.subject_id,
                    SubjectInStudy.study_id == study.id,
                )
            ).scalar_one_or_none()
            if study is not None
            else None
        )
        return participation.audit_context() if participation else super().audit_context()


MODELS: list[type] = [Payee]
