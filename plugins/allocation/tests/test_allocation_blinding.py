"""Every answer of the plugin walked as blinded roles: kit numbers, never the arm, the kit
type a subject was given, the product behind a code or a kit's batch; the audit trail the
same. Another tenant reaches none of it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from plugins.allocation.tests.support import BASE, UNBLINDED_TEXTS, Trial

# What tells a subject's arm once a dispensing shows it: its kit type, its batch.
REVEALING = (*UNBLINDED_TEXTS, "KT-A", "KT-P", "LOT-PRD")


def _strings(body: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(body, dict):
        return [found for key, value in body.items() for found in _strings(value, f"{path}.{key}")]
    if isinstance(body, list):
        return [found for value in body for found in _strings(value, path)]
    return [(path, body)] if isinstance(body, str) else []


def _leaks(body: Any, texts: tuple[str, ...] = REVEALING) -> list[str]:
    return [f"{path}: {text}" for path, text in _strings(body) if any(t in text for t in texts)]


@pytest.fixture
def dispensed(trial: Trial) -> dict[str, Any]:
    """Two subjects given their kits (one corrected, one returned), a refused dispensing."""
    trial.configure()
    for arm, first in (("ACTIVE", 1), ("PLACEBO", 51)):
        trial.stock("dummy", arm, "PAR", range(first, first + 3))
    (subject, _), (other, _) = (trial.randomized_subject(environment="test") for _ in range(2))
    given = trial.dispense(subject, environment="test").json[0]
    trial.dispense(other, environment="test")
    replaced: Any = trial.manager.post(
        f"{BASE}/dispensings/{given['uuid']}/corrections",
        json={"action": "replace", "reason_for_change": "Dropped"},
        headers=trial.headers,
    )
    assert replaced.status_code == 200, replaced.json
    kits: Any = trial.manager.get(f"{BASE}/kits/", headers=trial.headers)
    rules: Any = trial.manager.get(f"{BASE}/configuration/", headers=trial.headers)
    imported: Any = trial.manager.get(f"{BASE}/inventories/dummy/imports", headers=trial.headers)
    return {
        "import_uuid": imported.json[0]["uuid"],
        "subject_uuid": subject,
        "dispensing_uuid": replaced.json["uuid"],
        "kit_uuid": kits.json[0]["uuid"],
        "kit_type_uuid": trial.kit_types["KT-A"],
        "rule_uuid": rules.json[0]["uuid"],
        "batch_uuid": trial.batches["ACTIVE"],
        "inventory": "dummy",
    }


def _url(rule: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


@pytest.mark.requirement("E6-4.1")
def test_every_answer_hides_the_arm_from_blinded_roles(
    app, trial: Trial, dispensed, join_study, tenant
):
    data_manager = join_study(trial.headers, tenant, "data_manager")
    rules = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(BASE)
        and "GET" in (rule.methods or set())
        and "/supply/" not in rule.rule  # the supply of the centers walks its own
    )
    assert len(rules) >= 12
    seen: set[str] = set()  # what blinded readers of the trail saw
    for client in (trial.investigator, trial.monitor, trial.manager, data_manager):
        for rule in rules:
            query = {"environment": "test"} if rule.endswith("/dispensing") else {}
            answer: Any = client.get(
                _url(rule, dispensed), query_string=query, headers=trial.headers
            )
            assert answer.status_code in (200, 403), (rule, answer.status_code, answer.json)
            # Kit types are listed by code (what each holds is blinded): the code alone
            # tells no subject's arm.
            texts = UNBLINDED_TEXTS if "/kit-types/" in rule else REVEALING
            assert _leaks(answer.json, texts) == [], (client.user.role, rule)
        trail: Any = client.get("/api/audit-trails/", query_string={"limit": 500})
        if trail.status_code == 200:
            for record in trail.json["records"]:
                seen.add(record["object_type"])
                # The product catalogue is the tenant's, kept by the product database.
                if record["object_type"] != "products":
                    assert _leaks(record, UNBLINDED_TEXTS) == [], (client.user.role, record)
                if record["object_type"] in ("allocation_dispensings", "allocation_rules"):
                    assert _leaks(record, ("ACTIVE", "PLACEBO", trial.kit_types["KT-A"])) == []
    assert {"allocation_dispensings", "allocation_rules", "allocation_kits"} <= seen
    # The unblinded pharmacist reads them.
    read: Any = trial.pharmacist.get(
        f"{BASE}/dispensings/{dispensed['dispensing_uuid']}", headers=trial.headers
    )
    assert read.json["kit_type"] in ("KT-A", "KT-P")
    trail = trial.pharmacist.get(
        "/api/audit-trails/", query_string={"object_type": "allocation_rules", "limit": 50}
    )
    assert {r["changes"]["arm"][1] for r in trail.json["records"]} == {"ACTIVE", "PLACEBO"}


def test_another_tenant_reaches_none_of_it(
    trial: Trial, dispensed, enable_plugins, client_as, other_tenant, make_study
):
    enable_plugins(other_tenant, "allocation")
    outsider = client_as(other_tenant, "administrator")
    own = make_study(outsider, "PAR", reference="OTHER-1")
    values = {**dispensed, "inventory": "dummy"}
    for path in (
        "/kits/<kit_uuid>",
        "/kit-types/<kit_type_uuid>",
        "/configuration/<rule_uuid>",
        "/dispensings/<dispensing_uuid>",
        "/subjects/<subject_uuid>/dispensing",
        "/traceability/subjects/<subject_uuid>",
        "/traceability/batches/<batch_uuid>",
    ):
        for headers in (own.headers, trial.headers):
            answer: Any = outsider.get(BASE + _url(path, values), headers=headers)
            assert answer.status_code in (403, 404), (path, answer.status_code)
            if headers is own.headers and "traceability" not in path:
                assert answer.status_code == 404, path
    listed: Any = outsider.get(f"{BASE}/kits/", headers=own.headers)
    assert listed.status_code == 200 and listed.json == []
