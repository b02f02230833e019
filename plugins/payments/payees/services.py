"""A subject's payee: personal data, read only with ``payments.view_payees`` and every read
written to the audit trail, as the subjects plugin keeps its personal data. Services
flush, the request commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Message, db, not_found, record_event
from plugins.payments.payees import checks
from plugins.payments.payees.models import Payee
from plugins.subjects.api import SubjectInStudy


def _payee(participation: SubjectInStudy) -> Payee | None:
    return db.session.execute(
        sa.select(Payee).where(Payee.subject_id == participation.subject_id)
    ).scalar_one_or_none()


def read_payee(participation: SubjectInStudy) -> Payee:
    """The subject's payee; the read itself is audited."""
    payee = _payee(participation)
    if payee is None:
        raise not_found(Message("The subject has no bank details."))
    record_event("read", payee)
    db.session.flush()
    return payee


def save_payee(participation: SubjectInStudy, details: Mapping[str, Any]) -> Payee:
    """The subject's bank details and address, replaced whole (one payee per person in
    the tenant, whichever study they are paid by)."""
    stored = checks.checked(details)
    payee = _payee(participation)
    if payee is None:
        payee = Payee(subject_id=participation.subject_id, **stored)
        db.session.add(payee)
    else:
        for name, value in stored.items():
            setattr(payee, name, value)
    db.session.flush()
    return payee
