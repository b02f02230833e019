"""A batch as CSV, one row per transfer: for banks and tools that take no pain.001, and for
batches in another currency than the euro."""

from __future__ import annotations

import csv
import io

from plugins.payments.batches.transfers import BatchContent
from plugins.payments.money import quantized

COLUMNS = (
    "batch",
    "end_to_end_id",
    "execution_date",
    "amount",
    "currency",
    "creditor_name",
    "creditor_iban",
    "creditor_bic",
    "street_name",
    "building_number",
    "postal_code",
    "town_name",
    "country",
    "remittance",
    "debtor_name",
    "debtor_iban",
)


#: What a spreadsheet takes for the start of a formula in a cell.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    """A cell of text people typed (names, addresses), never read as a formula when the
    file is opened in a spreadsheet."""
    text = value or ""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_file(content: BatchContent) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    debtor = content.debtor
    for line in content.transfers:
        creditor, address = line.creditor, line.creditor.address
        writer.writerow(
            (
                content.reference,
                line.end_to_end_id,
                content.execution_date.isoformat(),
                str(quantized(line.amount, content.currency)),
                content.currency,
                _text(creditor.name),
                creditor.iban,
                creditor.bic or "",
                _text(address.street_name),
                _text(address.building_number),
                _text(address.postal_code),
                _text(address.town_name),
                address.country,
                _text(line.remittance),
                _text(debtor.name),
                debtor.iban,
            )
        )
    return out.getvalue().encode("utf-8")
