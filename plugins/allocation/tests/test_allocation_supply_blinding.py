"""Every supply answer walked as the blinded roles: kit numbers and totals, never a kit
type's product nor counts per kit type; the unblinded pharmacist sees both. Another study
and another tenant see nothing of it."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.supply_support import add_kits, dispense, shown
from plugins.allocation.tests.support import UNBLINDED_TEXTS

SUPPLY = "/api/allocation/supply"


def _supplied(trial) -> dict[str, str]:
    """A depot, levels at Paris, a resupply shipped and received: the uuids to read."""
    depot: Any = trial.manager.post(
        f"{SUPPLY}/depots/", json={"code": "DEP-1", "name": "Depot"}, headers=trial.headers
    )
    active, kits = add_kits(trial, "ACTIVE", 2, center="PAR")
    placebo, _ = add_kits(trial, "PLACEBO", 2, center="PAR")
    add_kits(trial, "ACTIVE", 4, depot=depot.json["uuid"])
    add_kits(trial, "PLACEBO", 4, depot=depot.json["uuid"])
    levels: Any = trial.manager.put(
        f"{SUPPLY}/levels/",
        json={
            "levels": [
                {"center": trial.centers["PAR"], "kit_type": kit_type, "minimum": 2, "target": 3}
                for kit_type in (active, placebo)
            ]
        },
        headers=trial.headers,
    )
    assert levels.status_code == 200, levels.json
    dispense(trial, kits[0])
    (shipment,) = trial.pharmacist.get(f"{SUPPLY}/shipments/", headers=trial.headers).json
    shipped: Any = trial.manager.post(
        f"{SUPPLY}/shipments/{shipment['uuid']}/ship",
        json={"depot": depot.json["uuid"]},
        headers=trial.headers,
    )
    assert shipped.status_code == 200, shipped.json
    numbers = [kit["number"] for kit in shipped.json["kits"]]
    received: Any = trial.investigator.post(
        f"{SUPPLY}/shipments/{shipment['uuid']}/receive",
        json={"kits": [{"number": number, "condition": "received"} for number in numbers]},
        headers=trial.headers,
    )
    assert received.status_code == 200, received.json
    return {"depot": depot.json["uuid"], "shipment": shipment["uuid"], "kits": numbers}


def test_blinded_roles_see_kit_numbers_and_totals_never_kit_types(trial):
    ids = _supplied(trial)
    reads = [
        f"{SUPPLY}/stock",
        f"{SUPPLY}/shipments/",
        f"{SUPPLY}/shipments/{ids['shipment']}",
        f"{SUPPLY}/depots/{ids['depot']}/stock",
        f"{SUPPLY}/warnings/",
        f"{SUPPLY}/levels/",
    ]
    for member in (trial.investigator, trial.manager, trial.monitor):
        for url in reads:
            read: Any = member.get(url, headers=trial.headers)
            assert read.status_code == 200, (url, read.json)
            text = shown(read)
            assert not [t for t in UNBLINDED_TEXTS if t in text], (url, text)
            if "levels" not in url:  # levels name kit types by code; the rest never do
                assert "KT-" not in text, (url, text)
        detail: Any = member.get(f"{SUPPLY}/shipments/{ids['shipment']}", headers=trial.headers)
        # Two of one type and one of the other were sent: the blinded read three kits.
        assert detail.json["lines"] is None and detail.json["quantity"] == 3
        assert [
            (kit["number"], kit["kit_type"], kit["expiry_date"]) for kit in detail.json["kits"]
        ] == [(number, None, None) for number in ids["kits"]]
        stock: Any = member.get(f"{SUPPLY}/stock", headers=trial.headers)
        paris = next(c for c in stock.json if c["center_code"] == "PAR")
        assert (paris["kit_types"], paris["available"], paris["state"]) == (None, 6, "ok")
        levels: Any = member.get(f"{SUPPLY}/levels/", headers=trial.headers)
        assert {level["kit_type"]["name"] for level in levels.json} == {None}
        depot: Any = member.get(f"{SUPPLY}/depots/{ids['depot']}/stock", headers=trial.headers)
        assert [(row["kit_type"], row["available"]) for row in depot.json] == [(None, 5)]

    # What the shipment carried is redacted in the audit trail for the blinded too.
    audit: Any = trial.monitor.get(
        "/api/audit-trails/",
        query_string={"object_type": "allocation_shipment_lines", "study": trial.study},
    )
    assert audit.status_code == 200, audit.json
    assert audit.json["records"]
    for record in audit.json["records"]:
        assert "KT-" not in shown_changes(record), record
        assert record["changes"]["quantity"][1] == "[redacted]", record

    depot = trial.pharmacist.get(f"{SUPPLY}/depots/{ids['depot']}/stock", headers=trial.headers)
    assert [(row["kit_type"]["code"], row["available"]) for row in depot.json] == [
        ("KT-1", 2),
        ("KT-2", 3),
    ]
    unblinded: Any = trial.pharmacist.get(
        f"{SUPPLY}/shipments/{ids['shipment']}", headers=trial.headers
    )
    assert [(line["kit_type"]["code"], line["quantity"]) for line in unblinded.json["lines"]] == [
        ("KT-1", 2),
        ("KT-2", 1),
    ]
    assert unblinded.json["kits"][0]["kit_type"]["name"] == "Zorblax 10 mg blister"
    stock = trial.pharmacist.get(f"{SUPPLY}/stock", headers=trial.headers).json
    paris = next(c for c in stock if c["center_code"] == "PAR")
    assert {row["kit_type"]["code"]: row["usable"] for row in paris["kit_types"]} == {
        "KT-1": 3,
        "KT-2": 3,
    }


def shown_changes(record: dict) -> str:
    return str(record.get("changes"))


def test_another_study_and_another_tenant_see_nothing(
    trial, client_as, make_study, other_tenant, enable_plugins
):
    ids = _supplied(trial)
    other = make_study(trial.manager, "MRS", reference="KITS-2")
    for url in (f"{SUPPLY}/shipments/{ids['shipment']}", f"{SUPPLY}/depots/{ids['depot']}"):
        read: Any = trial.manager.get(url, headers=other.headers)
        assert read.status_code == 404, (url, read.json)
    for url in (f"{SUPPLY}/shipments/", f"{SUPPLY}/depots/", f"{SUPPLY}/levels/"):
        listed: Any = trial.manager.get(url, headers=other.headers)
        assert listed.status_code == 200 and listed.json == [], (url, listed.json)
    stock: Any = trial.manager.get(f"{SUPPLY}/stock", headers=other.headers)
    assert [(c["center_code"], c["available"]) for c in stock.json] == [("MRS", 0)]

    enable_plugins(other_tenant, "allocation")
    stranger = client_as(other_tenant, "administrator")
    foreign = make_study(stranger, "PAR", reference="KITS-1")
    for url in (f"{SUPPLY}/shipments/{ids['shipment']}", f"{SUPPLY}/depots/{ids['depot']}"):
        read = stranger.get(url, headers=foreign.headers)
        assert read.status_code == 404, (url, read.json)
    assert stranger.get(f"{SUPPLY}/shipments/", headers=foreign.headers).json == []
    lyon: Any = trial.lyon_investigator.get(
        f"{SUPPLY}/shipments/{ids['shipment']}", headers=trial.headers
    )
    assert lyon.status_code == 404
