"""The sponsor's debtor accounts, kept by finance: services that flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Message, conflict, db, get_by_uuid, invalid
from plugins.payments.bank_details import (
    bic_problem,
    electronic_bic,
    electronic_iban,
    iban_problem,
)
from plugins.payments.batches.models import DebtorAccount
from plugins.payments.errors import PaymentCodes

NO_SUCH_ACCOUNT = Message("No such debtor account.")
PROBLEMS = {
    "iban_invalid": Message("This is not a valid IBAN."),
    "bic_invalid": Message("This is not a valid BIC."),
}


def list_accounts() -> sa.Select[DebtorAccount]:
    return sa.select(DebtorAccount).order_by(DebtorAccount.name)


def get_account(account_uuid: Any) -> DebtorAccount:
    return get_by_uuid(DebtorAccount, account_uuid, NO_SUCH_ACCOUNT)


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values with IBAN and BIC checked (422 naming the field) and in electronic form."""
    checked = dict(values)
    for field, check in (("iban", iban_problem), ("bic", bic_problem)):
        problem = check(checked[field]) if checked.get(field) else None
        if problem is not None:
            raise invalid(PaymentCodes.DEBTOR_ACCOUNT_INVALID, PROBLEMS[problem], field=field)
    if checked.get("iban"):
        checked["iban"] = electronic_iban(checked["iban"])
    if checked.get("bic"):
        checked["bic"] = electronic_bic(checked["bic"])
    return checked


def _refuse_taken_name(name: str, account: DebtorAccount | None = None) -> None:
    taken = db.session.execute(
        sa.select(DebtorAccount.id).where(DebtorAccount.name == name)
    ).scalar_one_or_none()
    if taken is not None and (account is None or taken != account.id):
        raise conflict(
            PaymentCodes.DEBTOR_ACCOUNT_NAME_TAKEN,
            Message("Another debtor account has this name."),
            field="name",
        )


def create_account(values: Mapping[str, Any]) -> DebtorAccount:
    checked = _checked(values)
    _refuse_taken_name(checked["name"])
    account = DebtorAccount(**checked)
    db.session.add(account)
    db.session.flush()
    return account


def update_account(account: DebtorAccount, changes: Mapping[str, Any]) -> DebtorAccount:
    """Changes apply to batches exported from now on; an exported file keeps what it says."""
    checked = _checked(changes)
    if "name" in checked:
        _refuse_taken_name(checked["name"], account)
    for key, value in checked.items():
        setattr(account, key, value)
    db.session.flush()
    return account
