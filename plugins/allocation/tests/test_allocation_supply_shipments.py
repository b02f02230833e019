"""Shipments through the supply API: requested, shipped from a depot (usable kits, first
expiry first, lowest number on ties), received at the center with what differs, or
cancelled; who may do each, and bad input answered 4xx with nothing written."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.supply_support import add_kits, kit_statuses
from plugins.allocation.tests.support import Trial

SUPPLY = "/api/allocation/supply"


def _depot(trial: Trial, code: str = "DEP-1") -> str:
    made: Any = trial.manager.post(
        f"{SUPPLY}/depots/", json={"code": code, "name": f"Depot {code}"}, headers=trial.headers
    )
    assert made.status_code == 201, made.json
    return made.json["uuid"]


def _request(trial: Trial, center: str, *lines: tuple[str, int], inventory: str = "production"):
    return trial.manager.post(
        f"{SUPPLY}/shipments/",
        json={
            "center": trial.centers[center],
            "inventory": inventory,
            "lines": [{"kit_type": kit_type, "quantity": n} for kit_type, n in lines],
        },
        headers=trial.headers,
    )


def _post(client, trial: Trial, shipment: str, step: str, body: dict) -> Any:
    return client.post(f"{SUPPLY}/shipments/{shipment}/{step}", json=body, headers=trial.headers)


def _read(trial: Trial, shipment: str, client=None) -> Any:
    return (client or trial.pharmacist).get(f"{SUPPLY}/shipments/{shipment}", headers=trial.headers)


def test_ship_takes_usable_kits_first_expiry_first_and_the_center_counts_them_in(trial):
    depot, other_depot = _depot(trial), _depot(trial, "DEP-2")
    quarantined = trial.batch("ACTIVE", "LOT-Q", status="quarantine")
    active, late = add_kits(trial, "ACTIVE", 2, depot=depot, expires_in=600)
    _, soon = add_kits(trial, "ACTIVE", 2, depot=depot, expires_in=300)
    _, expired = add_kits(trial, "ACTIVE", 1, depot=depot, expires_in=-1)
    _, held = add_kits(trial, "ACTIVE", 1, depot=depot, batch=quarantined)
    _, elsewhere = add_kits(trial, "ACTIVE", 3, depot=other_depot, expires_in=100)
    _, dummy = add_kits(trial, "ACTIVE", 3, depot=depot, inventory="dummy", expires_in=100)
    placebo, placebo_kits = add_kits(trial, "PLACEBO", 2, depot=depot)

    requested: Any = _request(trial, "PAR", (active, 3), (placebo, 1))
    assert requested.status_code == 201, requested.json
    shipment = requested.json["uuid"]
    assert (requested.json["status"], requested.json["trigger"]) == ("requested", "manual")
    assert requested.json["kits"] == [] and requested.json["quantity"] == 4

    # Only the ship permission ships, only the receive permission counts in.
    assert _post(trial.investigator, trial, shipment, "ship", {"depot": depot}).status_code == 403
    received_early: Any = _post(trial.investigator, trial, shipment, "receive", {"kits": []})
    assert received_early.status_code == 409, received_early.json
    assert received_early.json["error"]["internal_name"] == "ILLEGAL_STATUS_TRANSITION"
    unknown: Any = _post(trial.pharmacist, trial, shipment, "ship", {"depot": trial.study})
    assert unknown.status_code == 422 and unknown.json["error"]["internal_code"] == 7201

    shipped: Any = _post(
        trial.pharmacist, trial, shipment, "ship", {"depot": depot, "tracking_number": "TRK-1"}
    )
    assert shipped.status_code == 200, shipped.json
    assert (shipped.json["status"], shipped.json["depot_code"]) == ("shipped", "DEP-1")
    numbers = [kit["number"] for kit in shipped.json["kits"]]
    # The two expiring soonest, then the lowest number of the later ones; never the expired,
    # the quarantined, another depot's or the other inventory's. Listed by number.
    assert numbers == sorted([*soon, late[0], placebo_kits[0]])
    statuses = kit_statuses(trial, *numbers, late[1], *expired, *held, *elsewhere, *dummy)
    assert {statuses[number] for number in numbers} == {("in_transit", None, None)}
    assert statuses[late[1]] == ("available", None, "DEP-1")
    stock: Any = trial.pharmacist.get(f"{SUPPLY}/depots/{depot}/stock", headers=trial.headers)
    assert stock.status_code == 200, stock.json
    assert [(row["kit_type"]["code"], row["available"], row["usable"]) for row in stock.json] == [
        ("KT-1", 1, 0),  # expired
        ("KT-1", 1, 1),  # late[1]
        ("KT-1", 1, 0),  # of the quarantined batch
        ("KT-2", 1, 1),
    ]
    in_transit: Any = trial.pharmacist.get(f"{SUPPLY}/stock", headers=trial.headers)
    paris = next(c for c in in_transit.json if c["center_code"] == "PAR")
    assert (paris["in_transit"], paris["available"]) == (4, 0)
    again: Any = _post(trial.pharmacist, trial, shipment, "ship", {"depot": depot})
    assert again.status_code == 409, again.json
    assert again.json["error"]["internal_name"] == "ILLEGAL_STATUS_TRANSITION"

    # Another center's staff does not see it; every kit must be confirmed, each once.
    lyon: Any = _post(trial.lyon_investigator, trial, shipment, "receive", {"kits": []})
    assert lyon.status_code == 404, lyon.json
    confirm = [{"number": number, "condition": "received"} for number in numbers]
    for body, status, code in (
        ({"kits": confirm[:3]}, 422, 7204),
        ({"kits": [*confirm, {"number": elsewhere[0], "condition": "received"}]}, 422, 7205),
        ({"kits": [*confirm, confirm[0]]}, 422, 1022),
        ({"kits": confirm, "unexpected": [{"number": numbers[0]}]}, 422, 1022),
        ({"kits": [{**confirm[0], "condition": "in_transit"}, *confirm[1:]]}, 422, 1022),
    ):
        refused: Any = _post(trial.investigator, trial, shipment, "receive", body)
        assert refused.status_code == status, (body, refused.json)
        assert refused.json["error"]["internal_code"] == code, refused.json
    assert _read(trial, shipment).json["status"] == "shipped"
    assert kit_statuses(trial, numbers[0])[numbers[0]] == ("in_transit", None, None)

    confirm[1] = {"number": numbers[1], "condition": "damaged", "note": "Crushed box"}
    confirm[2] = {"number": numbers[2], "condition": "missing"}
    received: Any = _post(
        trial.investigator,
        trial,
        shipment,
        "receive",
        {"kits": confirm, "unexpected": [{"number": "X-999", "note": "Not on the list"}]},
    )
    assert received.status_code == 200, received.json
    assert received.json["status"] == "received" and received.json["received_at"]
    assert received.json["discrepancies"] == [
        {"kind": "damaged", "number": numbers[1], "note": "Crushed box"},
        {"kind": "missing", "number": numbers[2], "note": None},
        {"kind": "unexpected", "number": "X-999", "note": "Not on the list"},
    ]
    assert kit_statuses(trial, *numbers) == {
        numbers[0]: ("available", "PAR", None),
        numbers[1]: ("invalid", "PAR", None),
        numbers[2]: ("invalid", None, None),
        numbers[3]: ("available", "PAR", None),
    }
    paris_now: Any = trial.investigator.get(f"{SUPPLY}/stock", headers=trial.headers)
    (paris,) = paris_now.json  # the investigator sees Paris only
    assert (paris["center_code"], paris["available"], paris["in_transit"]) == ("PAR", 2, 0)


def test_requests_are_refused_on_bad_input_and_cancelled_with_a_reason(trial):
    active, _ = add_kits(trial, "ACTIVE", 1, center="PAR")
    for lines, code in (
        ([], 1022),
        ([(active, 0)], 1022),
        ([(active, 1), (active, 2)], 1022),
        ([(trial.products["ACTIVE"], 1)], 7200),
    ):
        refused: Any = _request(trial, "PAR", *lines)
        assert refused.status_code == 422 and refused.json["error"]["internal_code"] == code
    bad_center: Any = trial.manager.post(
        f"{SUPPLY}/shipments/",
        json={"center": trial.study, "lines": [{"kit_type": active, "quantity": 1}]},
        headers=trial.headers,
    )
    assert bad_center.status_code == 422 and bad_center.json["error"]["internal_code"] == 5014
    assert (
        trial.monitor.post(
            f"{SUPPLY}/shipments/",
            json={"center": trial.centers["PAR"], "lines": [{"kit_type": active, "quantity": 1}]},
            headers=trial.headers,
        ).status_code
        == 403
    )
    listed: Any = trial.manager.get(f"{SUPPLY}/shipments/", headers=trial.headers)
    assert listed.json == []

    first: Any = _request(trial, "PAR", (active, 2))
    assert first.status_code == 201 and first.json["number"] == 1
    assert _request(trial, "PAR", (active, 1), inventory="dummy").status_code == 201
    second: Any = _request(trial, "PAR", (active, 1))
    assert second.status_code == 409 and second.json["error"]["internal_code"] == 7202
    shipment = first.json["uuid"]
    assert _post(trial.monitor, trial, shipment, "cancel", {"reason": "x"}).status_code == 403
    no_reason: Any = _post(trial.manager, trial, shipment, "cancel", {"reason": ""})
    assert no_reason.status_code == 422
    cancelled: Any = _post(trial.manager, trial, shipment, "cancel", {"reason": "Site on hold"})
    assert cancelled.status_code == 200, cancelled.json
    assert (cancelled.json["status"], cancelled.json["cancel_reason"]) == (
        "cancelled",
        "Site on hold",
    )
    twice: Any = _post(trial.manager, trial, shipment, "cancel", {"reason": "again"})
    assert twice.status_code == 409, twice.json
    # Cancelled, it no longer waits: the center may be asked for again.
    assert _request(trial, "PAR", (active, 1)).status_code == 201
    filtered: Any = trial.monitor.get(
        f"{SUPPLY}/shipments/",
        query_string={"status": "cancelled", "center": trial.centers["PAR"]},
        headers=trial.headers,
    )
    assert [s["number"] for s in filtered.json] == [1]
    misspelt: Any = trial.monitor.get(
        f"{SUPPLY}/shipments/", query_string={"state": "requested"}, headers=trial.headers
    )
    assert misspelt.status_code == 400


def test_a_short_depot_ships_nothing_and_says_what_is_short_to_the_unblinded(trial):
    depot = _depot(trial)
    active, kits = add_kits(trial, "ACTIVE", 1, depot=depot)
    shipment = _request(trial, "LYO", (active, 2)).json["uuid"]
    for client, short in (
        (trial.pharmacist, [{"kit_type": "KT-1", "requested": 2, "usable": 1}]),
        (trial.manager, "[blinded]"),  # a study manager ships blinded
    ):
        refused: Any = _post(client, trial, shipment, "ship", {"depot": depot})
        assert refused.status_code == 409, refused.json
        assert refused.json["error"]["internal_code"] == 7203
        assert refused.json["error"]["details"]["short"] == short
    assert _read(trial, shipment).json["status"] == "requested"
    assert kit_statuses(trial, *kits) == {kits[0]: ("available", None, "DEP-1")}


def test_depots_have_codes_of_their_own(trial):
    depot = _depot(trial)
    taken: Any = trial.manager.post(
        f"{SUPPLY}/depots/", json={"code": "dep-1", "name": "Again"}, headers=trial.headers
    )
    assert taken.status_code == 409, taken.json
    bad: Any = trial.manager.post(
        f"{SUPPLY}/depots/", json={"code": "", "name": "Nameless"}, headers=trial.headers
    )
    assert bad.status_code == 422
    assert (
        trial.investigator.post(
            f"{SUPPLY}/depots/", json={"code": "D9", "name": "D9"}, headers=trial.headers
        ).status_code
        == 403
    )
    renamed: Any = trial.manager.patch(
        f"{SUPPLY}/depots/{depot}", json={"name": "Central store"}, headers=trial.headers
    )
    assert renamed.status_code == 200 and renamed.json["name"] == "Central store"
    listed: Any = trial.investigator.get(f"{SUPPLY}/depots/", headers=trial.headers)
    assert [d["code"] for d in listed.json] == ["DEP-1"]
