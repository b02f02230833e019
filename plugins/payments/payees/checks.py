"""A payee's bank details checked as banks will (plugins.payments.bank_details), the
country an ISO 3166-1 code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale

from datacapt.toolkit import DatacaptException, ErrorCode, Message
from plugins.payments.bank_details import bic_problem, electronic_bic, electronic_iban, iban_problem
from plugins.payments.errors import PaymentCodes

#: Territory codes CLDR has that are no country (regions, unions, unknown).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})
COUNTRIES = frozenset(
    code
    for code in map(str, Locale("en").territories)
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def checked(details: Mapping[str, Any]) -> dict[str, Any]:
    """The details as stored (IBAN and BIC in their electronic form); 422
    BANK_DETAILS_INVALID naming every field at fault."""
    problems: dict[str, list[str | Message]] = {}
    stored = dict(details)
    if iban_problem(details["iban"]):
        problems["iban"] = [Message("Not a valid IBAN (its structure or check digits).")]
    else:
        stored["iban"] = electronic_iban(details["iban"])
    if bic_problem(details.get("bic")):
        problems["bic"] = [Message("Not a valid BIC.")]
    else:
        stored["bic"] = electronic_bic(details["bic"]) if details.get("bic") else None
    if details["country"] not in COUNTRIES:
        problems["country"] = [Message("Not an ISO 3166-1 country code.")]
    if problems:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            PaymentCodes.BANK_DETAILS_INVALID,
            Message("The bank details have problems: see each field."),
            fields=problems,
        )
    return stored
