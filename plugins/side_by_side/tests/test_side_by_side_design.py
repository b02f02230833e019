"""Designs of products on zones through the randomization module: the sequence schemes'
balance over many seeded blocks, AB/BA drawn per subject and replayed from its seed,
the zone catalogue and designs refused on bad input, permissions, another tenant."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import DatacaptException, Study, db, tenant_context
from plugins.randomizations.api import sequence_code, sequence_of, zone_sequences
from plugins.side_by_side.allocation import _sequence
from plugins.side_by_side.demo import add_demo_zones
from plugins.side_by_side.tests.support import BASE, CODES, Split


@pytest.mark.parametrize(
    ("count", "scheme", "rows"),
    [(2, "ab_ba", 2), (3, "latin_square", 3), (3, "williams", 6), (4, "williams", 4)],
)
def test_each_scheme_balances_products_over_positions(count: int, scheme: str, rows: int):
    sequences = zone_sequences(count, scheme)
    assert len(sequences) == len(set(sequences)) == rows
    for position in range(count):
        column = Counter(sequence[position] for sequence in sequences)
        assert set(column) == set(range(count)) and len(set(column.values())) == 1
    assert all(sequence_of(sequence_code(s)) == s for s in sequences)
    if scheme == "williams":  # each product follows each other one equally often
        follows = Counter(pair for s in sequences for pair in itertools.pairwise(s))
        assert len(follows) == count * (count - 1) and len(set(follows.values())) == 1
    with pytest.raises(ValueError):
        zone_sequences(3, "ab_ba")


def test_ab_ba_allocation_per_subject_reproducible_and_blinded(split: Split):
    split.zones("LEFT", "RIGHT", control="BACK")
    design = split.live_design("ab_ba", 2)
    assert [p["code"] for p in design["products"]] == list(CODES[:2])
    assert [z["zone"]["code"] for z in design["zones"]] == ["LEFT", "RIGHT"]
    assert design["control_zone"]["code"] == "BACK"
    orders = []
    for _ in range(8):
        subject = split.subject()
        split.randomize(subject, design)
        unblinded: Any = split.get(f"/subjects/{subject}/allocation", split.statistician)
        assert unblinded.status_code == 200, unblinded.json
        placed = {row["zone"]["code"]: row for row in unblinded.json}
        assert set(placed) == {"LEFT", "RIGHT", "BACK"}
        assert placed["BACK"]["code"] is None and placed["BACK"]["product"] is None
        assert {placed["LEFT"]["code"], placed["RIGHT"]["code"]} == set(CODES[:2])
        assert placed["LEFT"]["product"] in ("Hydraglow serum", "Velvetine cream")
        blinded: Any = split.get(f"/subjects/{subject}/allocation", split.investigator)
        assert [row["product"] for row in blinded.json] == [None, None, None]
        assert [row["code"] for row in blinded.json] == [row["code"] for row in unblinded.json]
        orders.append((placed["LEFT"]["code"], placed["RIGHT"]["code"]))
    # Blocks of 2 or 4 whole AB/BA pairs: after 8 subjects each order is 2 to 6 times.
    counts = Counter(orders)
    assert set(counts) <= {CODES[:2], CODES[1::-1]} and all(2 <= c <= 6 for c in counts.values())
    # The randomization module replays the list from its seed and finds it as assigned.
    checked: Any = split.statistician.get(
        f"/api/randomizations/designs/{design['randomization_design']}/verification",
        query_string={"environment": "production"},
        headers=split.headers,
    )
    assert checked.status_code == 200, checked.json
    assert checked.json["consistent"] is True
    assert checked.json["lists"][0]["assignments_checked"] == 8


def test_a_williams_design_stays_balanced_over_many_simulated_subjects(split: Split):
    split.zones("L1", "L2", "R1", zone_set="THREE")
    made = split.post(
        "/designs/",
        {
            "code": "W3",
            "name": "Williams",
            "scheme": "williams",
            "products": split.products,
            "zone_set": "THREE",
        },
    )
    assert made.status_code == 201, made.json
    url = f"/api/randomizations/designs/{made.json['randomization_design']}/versions/1"
    body = {"trials": 30, "subjects": 120, "seed": "0c" * 32}
    runs: list[Any] = [
        split.manager.post(f"{url}/simulations/", json=body, headers=split.headers) for _ in "ab"
    ]
    assert all(run.status_code == 201 for run in runs), runs[0].json
    result = runs[0].json["result"]
    assert result == runs[1].json["result"]  # the same seed, the same trials
    # Six sequences in blocks of 6 or 12: at most 2 apart at the end of any trial.
    assert result["imbalance"]["overall"]["max"] <= 2
    shares = result["allocation"]
    assert len(shares) == 6 and all(abs(share - 1 / 6) < 0.01 for share in shares.values())


def test_catalogue_and_designs_refuse_bad_input_and_unauthorized_callers(
    split: Split, other_tenant, client_as, enable_plugins
):
    split.zones("LEFT", "RIGHT")
    body: Any
    for body in (
        {"code": "LEFT", "name": "again", "body_area": "arm", "side": "left", "zone_set": "ARMS"},
        {"code": "bad code!", "name": "x", "body_area": "arm", "side": "left", "zone_set": "A"},
        {"code": "Z", "name": "x" * 5000, "body_area": "arm", "side": "left", "zone_set": "A"},
        {"code": "Z", "name": "x", "body_area": "arm", "side": "up", "zone_set": "A"},
        {"code": 3, "name": None, "body_area": [], "side": "left", "zone_set": "A"},
        [],
    ):
        refused = split.post("/zones/", body)
        assert refused.status_code in (409, 422), refused.json
    design = {"code": "D1", "name": "D1", "scheme": "ab_ba", "zone_set": "ARMS"}
    for changes in (
        {"products": split.products[:3]},  # three products on two zones
        {"products": [split.products[0]] * 2},
        {"products": [split.products[0], "5b3c4f1e-0000-4000-8000-000000000000"]},
        {"products": split.products[:2], "scheme": "zigzag"},
        {"products": split.products[:2], "zone_set": "NOPE"},
        {"products": ["not-a-uuid"]},
    ):
        refused = split.post("/designs/", {**design, **changes})
        assert refused.status_code == 422, refused.json
    made = split.post(
        "/designs/", {**design, "products": split.products[:2], "scheme": "latin_square"}
    )
    assert made.status_code == 201, made.json
    assert split.post("/designs/", {**design, "products": split.products[:2]}).status_code == 409
    assert split.post("/designs/", {**design, "code": "D2"}, split.investigator).status_code == 403
    assert split.post("/zones/", {}, split.investigator).status_code == 403
    listed = split.get("/zones/")
    assert [z["code"] for z in listed.json] == ["LEFT", "RIGHT"]
    assert len(split.get("/designs/").json) == 1
    assert split.get(f"/designs/{made.json['uuid']}/results", split.manager).status_code == 403
    # Another tenant sees nothing of it.
    enable_plugins(other_tenant, "side_by_side")
    stranger = client_as(other_tenant, "study_manager")
    for path in ("/zones/", f"/designs/{made.json['uuid']}"):
        seen: Any = stranger.get(f"{BASE}{path}", headers=split.headers)
        assert seen.status_code in (403, 404), seen.json


def test_the_demo_zones_are_added_once(app, tenant, enable_plugins, client_as, make_study):
    enable_plugins(tenant, "side_by_side")
    manager = client_as(tenant, "study_manager")
    made = make_study(manager, "PAR", reference="DEMO-SPLIT")
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(made.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_zones(study)
    zones: Any = manager.get(f"{BASE}/zones/", headers=made.headers)
    assert [zone["code"] for zone in zones.json] == ["CTL", "LFD", "LFP", "RFD", "RFP"]
    assert [zone["control"] for zone in zones.json] == [True, False, False, False, False]


def test_an_arm_that_is_not_a_sequence_of_the_design_is_refused():
    """A randomization design version edited by hand could draw any arm: only a sequence of
    the design's products over its zones, each product once, places products."""
    assert _sequence("B-A", [0, 1], 2) == (1, 0)
    for arm in ("A-A", "A", "X", "treat", "A-B-C"):
        with pytest.raises(DatacaptException) as refused:
            _sequence(arm, [0, 1], 2)
        assert refused.value.internal_code == 7575, arm
