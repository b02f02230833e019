"""A batch as an ISO 20022 credit transfer initiation (pain.001.001.09), made by sepaxml
and checked by it against the official XSD before anything is stored."""

from __future__ import annotations

from typing import Any

from sepaxml import SepaTransfer

from plugins.payments.batches.transfers import BatchContent, Party
from plugins.payments.money import minor_unit_count

SCHEMA = "pain.001.001.09"
SEPA_CURRENCY = "EUR"  # SEPA credit transfers are in euro; other batches export CSV only


def _account(party: Party) -> dict[str, Any]:
    account: dict[str, Any] = {"name": party.name, "IBAN": party.iban}
    if party.bic:
        account["BIC"] = party.bic
    return account


def sepa_file(content: BatchContent) -> bytes:
    """The pain.001 file of the batch: one payment information block (one execution date),
    its control sum and count those of the batch."""
    assert content.currency == SEPA_CURRENCY
    transfer = SepaTransfer(
        {
            **_account(content.debtor),
            "batch": True,
            "currency": SEPA_CURRENCY,
            "address": content.debtor.address.sepa(),
        },
        schema=SCHEMA,
    )
    # The batch's reference is the message id, and the file says when it was made in UTC
    # (sepaxml writes a random id and the local time).
    header = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr")
    header.find("MsgId").text = content.reference
    header.find("CreDtTm").text = content.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for line in content.transfers:
        transfer.add_payment(
            {
                **_account(line.creditor),
                "amount": minor_unit_count(line.amount, SEPA_CURRENCY),
                "execution_date": content.execution_date,
                "description": line.remittance,
                "endtoend_id": line.end_to_end_id,
                "address": line.creditor.address.sepa(),
            }
        )
    return transfer.export(validate=True)
