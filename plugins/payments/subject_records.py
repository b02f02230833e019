"""A subject's bank details in the GDPR inventory, and their erasure (the payment orders
stay: accounting keeps them, under the subject's study ids)."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import SubjectRecords, db
from plugins.payments.payees.models import Payee


def _payee(subject_id: int) -> Payee | None:
    return db.session.execute(
        sa.select(Payee).where(Payee.subject_id == subject_id)
    ).scalar_one_or_none()


def payee_records(subject_id: int) -> list[SubjectRecords]:
    payee = _payee(subject_id)
    if payee is None:
        return []
    details = {
        "holder_name": payee.holder_name,
        "iban": payee.iban,
        "bic": payee.bic,
        "street_name": payee.street_name,
        "building_number": payee.building_number,
        "postal_code": payee.postal_code,
        "town_name": payee.town_name,
        "country": payee.country,
    }
    return [SubjectRecords("payments.payee", 1, [details], personal=True)]


def erase_payee(subject_id: int) -> None:
    """Bank details and address emptied (the country kept: it names no one)."""
    payee = _payee(subject_id)
    if payee is None:
        return
    payee.holder_name = ""
    payee.iban = ""
    payee.bic = None
    payee.street_name = None
    payee.building_number = None
    payee.postal_code = None
    payee.town_name = ""
    db.session.flush()
