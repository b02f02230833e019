"""Every write of the plugin, found from the app itself, answers bad input with a 4xx in
the envelope and writes nothing; every read, blinded roles included, never a 5xx."""

from __future__ import annotations

import re
from typing import Any

from plugins.product_database.tests.support import (
    BATCHES,
    PRODUCTS,
    STUDY_PRODUCTS,
    WATER,
    Catalogue,
    read,
)

PREFIXES = ("/api/products", "/api/product-database")
BODILESS = ("/approve", "/retire")  # acts on what the URL names: a body is not read
BODIES: list[Any] = [
    [],
    "text",
    12,
    {"product": 12, "number": ["x"], "code": {}, "ingredients": [None], "status": 3},
    {"blinding_code": "x" * 41, "file": "not-a-uuid", "title": "", "quantity": "1e400"},
    {"expiry_date": "2030-02-30", "period_after_opening_days": 10**12, "percentage": "Infinity"},
]


def _rules(app, method: str) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIXES) and method in (rule.methods or set())
    )


def _url(rule: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


def _state(catalogue: Catalogue) -> Any:
    return (
        read(catalogue.pharmacist, PRODUCTS),
        read(catalogue.pharmacist, BATCHES),
        read(catalogue.pharmacist, STUDY_PRODUCTS, headers=catalogue.headers),
    )


def test_bad_input_gets_a_4xx_and_writes_nothing(app, catalogue: Catalogue):
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    created: Any = catalogue.manager.post(
        f"{PRODUCTS}{cream['uuid']}/formulas/", json={"ingredients": [WATER]}
    )
    batch = catalogue.batch(cream["uuid"])
    declared: Any = catalogue.declare(cream["uuid"], "A")
    values = {
        "product_uuid": cream["uuid"],
        "batch_uuid": batch["uuid"],
        "study_product_uuid": declared.json["uuid"],
        "number": 1,
    }
    before = _state(catalogue)
    headers = {**catalogue.headers, "If-Match": created.headers["ETag"]}
    written = 0
    for method in ("POST", "PUT", "PATCH"):
        for rule in _rules(app, method):
            if rule.endswith(BODILESS):
                continue
            url = _url(rule, values)
            for body in BODIES:
                answer: Any = catalogue.pharmacist.open(
                    url, method=method, json=body, headers=headers
                )
                assert 400 <= answer.status_code < 500, (method, rule, body, answer.json)
                assert answer.json["error"]["internal_name"], (method, rule)
                written += 1
            garbage: Any = catalogue.pharmacist.open(
                url,
                method=method,
                data=b"{not json",
                content_type="application/json",
                headers=headers,
            )
            assert 400 <= garbage.status_code < 500, (method, rule, garbage.json)
    assert written >= 13 * len(BODIES)
    assert _state(catalogue) == before


def test_reads_never_fail_whoever_asks(app, catalogue: Catalogue):
    product = catalogue.product()
    batch = catalogue.batch(product["uuid"])
    declared: Any = catalogue.declare(product["uuid"], "A")
    values = {
        "product_uuid": product["uuid"],
        "batch_uuid": batch["uuid"],
        "study_product_uuid": declared.json["uuid"],
        "number": 1,
    }
    rules = _rules(app, "GET")
    assert len(rules) >= 8
    queries: list[dict[str, Any]] = [
        {},
        {"page": "-1"},
        {"product": "nope", "status": "lost", "kind": "potion", "search": ""},
        {"unknown": "1"},
    ]
    for client in (catalogue.investigator, catalogue.manager, catalogue.pharmacist):
        for rule in rules:
            for query in queries:
                answer: Any = client.get(
                    _url(rule, values), query_string=query, headers=catalogue.headers
                )
                assert answer.status_code < 500, (rule, query, answer.json)
