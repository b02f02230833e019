"""Amounts of money: Decimal in a currency's minor units (ISO 4217), never floats."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_precision


def minor_units(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (EUR 2, JPY 0)."""
    return int(get_currency_precision(currency))


def fits_currency(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` is finite and has no more decimals than the currency's."""
    if not amount.is_finite():
        return False
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= minor_units(currency)


def in_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` counted in the currency's smallest unit (EUR 12.30 -> 1230)."""
    return int(amount.scaleb(minor_units(currency)).to_integral_exact())


def quantized(amount: Decimal, currency: str) -> Decimal:
    """``amount`` written with exactly the currency's decimals (12.3 EUR -> 12.30)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)))
