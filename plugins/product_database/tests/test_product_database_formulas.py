"""Formula versions: percentages over 100 and bad CAS numbers refused, what a draft may
hold and what approval requires, an approved version immutable, a new version a new
draft, and who approves."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.product_database.cas import is_cas_number
from plugins.product_database.tests.support import (
    GLYCERIN,
    PRODUCTS,
    WATER,
    Catalogue,
    as_read,
    read,
)


def _url(product: dict, number: int | None = None) -> str:
    base = f"{PRODUCTS}{product['uuid']}/formulas/"
    return base if number is None else f"{base}{number}"


def _ingredient(name: str, percentage: str, cas: str | None = None) -> dict:
    return {"inci_name": name, "percentage": percentage, "cas_number": cas}


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("7732-18-5", True),
        ("56-81-5", True),
        ("67762-27-0", True),
        ("7732-18-4", False),
        ("7732185", False),
        ("1-18-5", False),
        ("12345678-12-1", False),
        ("", False),
    ],
)
def test_a_cas_number_is_checked_with_its_check_digit(text: str, valid: bool):
    assert is_cas_number(text) is valid


def test_percentages_over_100_and_bad_ingredients_are_refused(catalogue: Catalogue):
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    over: Any = catalogue.manager.post(
        _url(cream),
        json={"ingredients": [_ingredient("Aqua", "80"), _ingredient("Glycerin", "20.0001")]},
    )
    assert over.status_code == 422, over.json
    assert over.json["error"]["internal_name"] == "FORMULA_INVALID"
    assert "ingredients" in over.json["error"]["fields"]
    bad: Any = catalogue.manager.post(
        _url(cream),
        json={
            "ingredients": [
                _ingredient("Aqua", "50", "7732-18-4"),
                _ingredient("aqua", "10"),
                {"inci_name": "Glycerin"},
                _ingredient("Parfum", "0"),
                _ingredient("Tocopherol", "0.00001"),
                {**WATER, "inci_name": "Aqua purificata"},
                {**WATER, "inci_name": "Water bis", "percentage": "5"},
            ]
        },
    )
    assert bad.status_code == 422, bad.json
    fields = bad.json["error"]["fields"]
    assert set(fields) == {f"ingredients.{n}" for n in (0, 1, 2, 3, 4, 6)} | {"ingredients"}
    for body in (
        {"ingredients": [{"inci_name": "Aqua", "percentage": "abc"}]},
        {"ingredients": [{"inci_name": "", "percentage": "1"}]},
        {"ingredients": "Aqua"},
        {"ingredients": [{"inci_name": "Aqua", "percentage": "NaN"}]},
    ):
        refused: Any = catalogue.manager.post(_url(cream), json=body)
        assert refused.status_code == 422, (body, refused.json)
    assert read(catalogue.manager, _url(cream)) == []


def test_a_draft_is_approved_once_whole_and_then_immutable(catalogue: Catalogue):
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    draft: Any = catalogue.manager.post(
        _url(cream), json={"ingredients": [GLYCERIN], "notes": "first go"}
    )
    assert draft.status_code == 201, draft.json
    assert (draft.json["number"], draft.json["status"], draft.json["total"]) == (
        1,
        "draft",
        "5.5000",
    )
    second: Any = catalogue.manager.post(_url(cream), json={"ingredients": []})
    assert second.json["error"]["internal_name"] == "FORMULA_DRAFT_EXISTS"
    # A part of the formula: not approvable, and the study manager may not approve anyway.
    assert (
        catalogue.manager.post(
            f"{_url(cream, 1)}/approve", headers=as_read(catalogue.manager, _url(cream, 1))
        ).status_code
        == 403
    )
    partial: Any = catalogue.pharmacist.post(
        f"{_url(cream, 1)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 1))
    )
    assert partial.status_code == 409, partial.json
    assert partial.json["error"]["internal_name"] == "FORMULA_NOT_APPROVABLE"
    saved: Any = catalogue.manager.put(
        _url(cream, 1),
        json={"ingredients": [GLYCERIN, WATER]},
        headers=as_read(catalogue.manager, _url(cream, 1)),
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["quantum_satis_percentage"] == "94.5000"
    approved: Any = catalogue.pharmacist.post(
        f"{_url(cream, 1)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 1))
    )
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    assert approved.json["approved_by"] == catalogue.pharmacist.user.email
    assert approved.json["approved_at"]
    answers: tuple[Any, ...] = (
        catalogue.manager.put(
            _url(cream, 1),
            json={"ingredients": [WATER]},
            headers=as_read(catalogue.manager, _url(cream, 1)),
        ),
        catalogue.pharmacist.post(
            f"{_url(cream, 1)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 1))
        ),
    )
    for answer in answers:
        assert answer.status_code == 409, answer.json
        assert answer.json["error"]["internal_name"] == "FORMULA_NOT_DRAFT"
    kept: Any = catalogue.manager.get(_url(cream, 1))
    assert [i["inci_name"] for i in kept.json["ingredients"]] == ["Glycerin", "Aqua"]
    # A new version starts as a draft of the latest one; approving it retires the first.
    new: Any = catalogue.manager.post(_url(cream), json={})
    assert (new.json["number"], new.json["status"]) == (2, "draft")
    assert new.json["ingredients"] == kept.json["ingredients"]
    assert (
        catalogue.pharmacist.post(
            f"{_url(cream, 2)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 2))
        ).status_code
        == 200
    )
    versions: Any = catalogue.investigator.get(_url(cream))
    assert [(v["number"], v["status"]) for v in versions.json] == [(2, "approved"), (1, "retired")]
    assert versions.json[1]["retired_at"]


def test_without_qs_approval_requires_100_within_the_tolerance(catalogue: Catalogue):
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    near = [_ingredient("Aqua", "94.495"), _ingredient("Glycerin", "5.5")]
    assert catalogue.manager.post(_url(cream), json={"ingredients": near}).status_code == 201
    approved: Any = catalogue.pharmacist.post(
        f"{_url(cream, 1)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 1))
    )
    assert approved.status_code == 200, approved.json
    filled = [_ingredient("Glycerin", "100"), WATER]
    catalogue.manager.post(_url(cream), json={"ingredients": filled})
    empty_qs: Any = catalogue.pharmacist.post(
        f"{_url(cream, 2)}/approve", headers=as_read(catalogue.pharmacist, _url(cream, 2))
    )
    assert empty_qs.json["error"]["internal_name"] == "FORMULA_NOT_APPROVABLE"
    retired: Any = catalogue.pharmacist.post(f"{_url(cream, 2)}/retire")
    assert retired.status_code == 409, retired.json


def test_a_device_has_no_formula_and_unknown_versions_are_404(catalogue: Catalogue):
    device = catalogue.product("DEV", kind="device")
    refused: Any = catalogue.manager.post(_url(device), json={"ingredients": [GLYCERIN]})
    assert refused.json["error"]["internal_name"] == "FORMULA_NOT_APPLICABLE"
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    assert catalogue.manager.get(_url(cream, 9)).status_code == 404
    assert catalogue.investigator.post(_url(cream), json={}).status_code == 403


def test_a_save_and_an_approval_are_of_the_revision_read(catalogue: Catalogue):
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    created: Any = catalogue.manager.post(_url(cream), json={"ingredients": [GLYCERIN]})
    first = {"If-Match": created.headers["ETag"]}
    body = {"ingredients": [GLYCERIN, WATER]}
    missing: Any = catalogue.manager.put(_url(cream, 1), json=body)
    assert missing.status_code == 428, missing.json
    assert catalogue.manager.put(_url(cream, 1), json=body, headers=first).status_code == 200
    stale: Any = catalogue.manager.put(_url(cream, 1), json={"ingredients": []}, headers=first)
    assert stale.status_code == 412, stale.json
    approving_stale: Any = catalogue.pharmacist.post(f"{_url(cream, 1)}/approve", headers=first)
    assert approving_stale.status_code == 412, approving_stale.json
    assert read(catalogue.manager, _url(cream, 1))["status"] == "draft"
