"""Bank details checked as banks will, for payees and debtor accounts alike: IBAN and BIC
by schwifty (kept in their electronic form), and, for a credit transfer, a structured
address with at least a town and a country (SEPA rulebooks, November 2026)."""

from __future__ import annotations

from typing import Protocol

from schwifty import BIC, IBAN


class BankDetails(Protocol):
    iban: str
    bic: str | None
    town_name: str
    country: str


def iban_problem(iban: str) -> str | None:
    try:
        IBAN(iban)
    except ValueError:
        return "iban_invalid"
    return None


def bic_problem(bic: str | None) -> str | None:
    if not bic:
        return None
    try:
        BIC(bic)
    except ValueError:
        return "bic_invalid"
    return None


def electronic_iban(iban: str) -> str:
    """The IBAN as a file writes it: no spaces, upper case."""
    return IBAN(iban).compact


def electronic_bic(bic: str) -> str:
    return BIC(bic).compact


def details_problem(details: BankDetails | None) -> str | None:
    """Why these details cannot receive a transfer (None: they can)."""
    if details is None:
        return "no_payee"
    problem = iban_problem(details.iban) or bic_problem(details.bic)
    if problem is None and not (details.town_name and details.country):
        problem = "address_incomplete"
    return problem
