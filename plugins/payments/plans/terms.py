"""A plan version's terms: checked against its currency and the study's eCRF, stored as
JSON (amounts as decimal strings), and read back as Decimals."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from datacapt.toolkit import DatacaptException, ErrorCode, Message, Study
from plugins.ecrf.api import compiled_form
from plugins.payments.errors import PaymentCodes
from plugins.payments.money import amount_problem, is_currency
from plugins.payments.plans.models import PlanKind, PlanVersion

Problems = dict[str, list[str | Message]]


def checked(
    study: Study, kind: str, currency: str, terms: Mapping[str, Any], at: str = ""
) -> dict[str, Any]:
    """The terms as stored; 422 PLAN_TERMS_INVALID naming every field at fault (under
    ``at``: where the version is in the request)."""
    problems: Problems = {}
    if not is_currency(currency):
        problems["currency"] = [Message("Not an ISO 4217 currency code.")]
        currency = "XXX"  # amounts are still checked, against no decimals at all
    sections = set(compiled_form(study).section_ids)
    if kind == PlanKind.PER_VISIT:
        stored = _per_visit(terms, currency, sections, problems)
    else:
        stored = _per_study(terms, currency, sections, problems)
    if problems:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            PaymentCodes.PLAN_TERMS_INVALID,
            Message("The plan's terms have problems: see each field."),
            fields={f"{at}{field}": messages for field, messages in problems.items()},
        )
    return stored


def _amount(value: Decimal | None, currency: str, field: str, problems: Problems) -> str | None:
    if value is None:
        return None
    problem = amount_problem(value, currency)
    if problem is not None and currency != "XXX":
        problems[field] = [problem]
    return str(value)


def _section(value: uuid.UUID, sections: set[Any], field: str, problems: Problems) -> str:
    if value not in sections:
        problems[field] = [Message("No such section in the study's eCRF.")]
    return str(value)


def _once(values: list[str], field: str, problems: Problems) -> None:
    if len(set(values)) != len(values):
        problems.setdefault(field, []).append(Message("A section is named twice."))


def _per_visit(
    terms: Mapping[str, Any], currency: str, sections: set[Any], problems: Problems
) -> dict[str, Any]:
    visits: list[dict[str, Any]] = []
    for index, visit in enumerate(terms["visits"]):
        at = f"terms.visits.{index}"
        visits.append(
            {
                "section": _section(visit["section"], sections, f"{at}.section", problems),
                "amount": _amount(visit["amount"], currency, f"{at}.amount", problems),
                "travel": _amount(visit["travel"], currency, f"{at}.travel", problems),
            }
        )
    _once([visit["section"] for visit in visits], "terms.visits", problems)
    bonus = _amount(terms["completion_bonus"], currency, "terms.completion_bonus", problems)
    return {"visits": visits, "completion_bonus": bonus}


def _per_study(
    terms: Mapping[str, Any], currency: str, sections: set[Any], problems: Problems
) -> dict[str, Any]:
    visits = [
        _section(section, sections, f"terms.visits.{index}", problems)
        for index, section in enumerate(terms["visits"])
    ]
    _once(visits, "terms.visits", problems)
    if terms["pro_rata"] and not visits:
        problems["terms.visits"] = [Message("A pro rata share needs the planned visits.")]
    return {
        "amount": _amount(terms["amount"], currency, "terms.amount", problems),
        "pro_rata": terms["pro_rata"],
        "visits": visits,
    }


@dataclasses.dataclass(frozen=True)
class VisitTerms:
    amount: Decimal
    travel: Decimal | None


def visit_terms(version: PlanVersion) -> dict[str, VisitTerms]:
    """A per-visit version's amounts by section uuid (as text); nothing for a per-study one."""
    if version.kind != PlanKind.PER_VISIT:
        return {}
    return {
        visit["section"]: VisitTerms(
            Decimal(visit["amount"]),
            Decimal(visit["travel"]) if visit["travel"] is not None else None,
        )
        for visit in version.terms["visits"]
    }


def completion_amount(version: PlanVersion) -> Decimal | None:
    """What completing the study earns under the version (a per-visit plan's bonus)."""
    value = (
        version.terms["completion_bonus"]
        if version.kind == PlanKind.PER_VISIT
        else version.terms["amount"]
    )
    return Decimal(value) if value is not None else None


def planned_visits(version: PlanVersion) -> list[str]:
    """The sections a per-study version counts for a pro rata share (none without one)."""
    if version.kind != PlanKind.PER_STUDY or not version.terms["pro_rata"]:
        return []
    return list(version.terms["visits"])
