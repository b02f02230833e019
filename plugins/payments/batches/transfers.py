"""What a batch's files say: one credit transfer per order, and the debtor paying them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    """A structured postal address (SEPA rulebooks refuse unstructured ones from 2026)."""

    street_name: str | None
    building_number: str | None
    postal_code: str | None
    town_name: str
    country: str

    def sepa(self) -> dict[str, str]:
        """In sepaxml's keys, without the empty parts."""
        parts = {
            "street_name": self.street_name,
            "building_number": self.building_number,
            "postcode": self.postal_code,
            "town": self.town_name,
            "country": self.country,
        }
        return {key: value for key, value in parts.items() if value}


@dataclass(frozen=True)
class Party:
    name: str
    iban: str
    bic: str | None
    address: Address


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Decimal
    currency: str
    creditor: Party
    remittance: str  # the study's reference and what the order pays for


@dataclass(frozen=True)
class BatchContent:
    reference: str  # the message id
    created_at: dt.datetime  # aware UTC
    execution_date: dt.date
    currency: str
    debtor: Party
    transfers: list[Transfer]
