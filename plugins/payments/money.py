"""Amounts of money: Decimal, in an ISO 4217 currency, with that currency's minor units
(EUR 2, JPY 0, KWD 3) as CLDR (through babel) records them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, list_currencies

from datacapt.toolkit import Message

#: Codes that name no money a participant is paid in (funds, metals, testing), and units
#: of account with four decimals, more than an order's amount keeps (NUMERIC(18, 3)).
_NOT_PAYABLE = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XTS", "XXX", "CLF", "UYW"}
)


def is_currency(code: str) -> bool:
    return code in list_currencies() and code not in _NOT_PAYABLE


def minor_units(currency: str) -> int:
    """How many decimals an amount of ``currency`` has."""
    return int(get_currency_precision(currency))


#: Orders keep amounts in NUMERIC(18, 3): a plan names less than this.
LARGEST = Decimal(10) ** 12


def amount_problem(amount: Decimal, currency: str) -> Message | None:
    """Why ``amount`` is no amount of ``currency`` a plan may name, or None."""
    if not amount.is_finite() or amount < 0:
        return Message("An amount is a positive number or zero.")
    if amount >= LARGEST:
        return Message("An amount is less than 1,000,000,000,000.")
    places = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        return Message(
            "An amount in {currency} has at most {places} decimals.",
            currency=currency,
            places=places,
        )
    return None


def rounded(amount: Decimal, currency: str) -> Decimal:
    """``amount`` to the currency's minor unit, halves away from zero (a pro rata share)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def quantized(amount: Decimal, currency: str) -> Decimal:
    """``amount`` written with exactly the currency's decimals (12.3 EUR -> 12.30): what
    the API and the files show."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)))


def fits_currency(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` is finite and has no more decimals than the currency's."""
    if not amount.is_finite():
        return False
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= minor_units(currency)


def minor_unit_count(amount: Decimal, currency: str) -> int:
    """``amount`` counted in the currency's smallest unit (EUR 12.30 -> 1230)."""
    return int(amount.scaleb(minor_units(currency)).to_integral_exact())
