"""Zone assessments: data entry per subject, section and zone, progress counting each
zone, automatic queries per zone, the order of measurements enforced and overridden with
a reason (audited), results by product on a known data set (paired differences), the
export's rows, application instructions; blinded evaluators never see a product; other
centers and studies see nothing."""

from __future__ import annotations

import math
import statistics
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import AuditRecord, Study, db, tenant_context
from plugins.side_by_side.api import export_rows
from plugins.side_by_side.tests.support import CODES, PRODUCT_NAMES, Split


def _texts(value: Any) -> list[str]:
    """Every string of an answer, keys and values, however deep."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (str(k), *_texts(v))]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return [value] if isinstance(value, str) else []


def _placed(split: Split, subject: str) -> dict[str, str | None]:
    """Zone code -> product code, as the unblinded statistician reads it."""
    read: Any = split.get(f"/subjects/{subject}/allocation", split.statistician)
    return {row["zone"]["code"]: row["code"] for row in read.json}


def test_zone_entry_progress_queries_order_results_and_blinding(split: Split, app, tenant):
    split.zones("LEFT", "RIGHT", control="BACK")
    design = split.live_design("ab_ba", 2)
    assessed = split.assess(design["uuid"], ["tewl", "hydration", "redness"])
    assert assessed.status_code == 201, assessed.json
    again = split.assess(design["uuid"], ["tewl"])
    assert (
        again.status_code == 409
        and again.json["error"]["internal_name"] == "SECTION_ASSESSED_ALREADY"
    )
    subject = split.subject()
    split.randomize(subject, design)
    placed = _placed(split, subject)

    # The plain address of a zone section is refused; an unknown zone is not found.
    plain = f"/api/ecrf/subjects/{subject}/sections/{split.day0}"
    refused: Any = split.investigator.get(plain, headers=split.headers)
    assert (
        refused.status_code == 409
        and refused.json["error"]["internal_name"] == "ECRF_SECTION_INSTANCED"
    )
    for url in (split.zone_url(subject, "NOPE"), split.zone_url(subject, "LEFT", split.screening)):
        assert split.investigator.get(url, headers=split.headers).status_code == 404
    progress: Any = split.investigator.get(
        f"/api/ecrf/subjects/{subject}/progress", headers=split.headers
    )
    day0 = next(s for s in progress.json["sections"] if s["section"] == split.day0)
    assert (day0["required"], day0["answered"]) == (9, 0)  # three zones of three measurements

    # Out of order: refused and nothing written; with a reason: saved, the override audited.
    early = split.save_zone(subject, "LEFT", {"hydration": 41.5})
    assert (
        early.status_code == 409
        and early.json["error"]["internal_name"] == "MEASUREMENT_OUT_OF_ORDER"
    )
    assert early.json["error"]["details"]["missing"] == ["tewl"]
    overridden = split.save_zone(
        subject, "LEFT", {"hydration": 41.5}, reason="Probe broke, TEWL later"
    )
    assert overridden.status_code == 200, overridden.json
    assert overridden.json["instance"] == "LEFT"
    high = split.save_zone(subject, "LEFT", {"tewl": 60.0})  # raises a warning query
    assert high.status_code == 200, high.json
    assert [q["message"] for q in high.json["queries"]] == ["TEWL high"]
    # A monitor's query on one zone's measurement: seen on that zone only.
    queries = "/api/monitoring/queries/"
    raised: Any = split.monitor.post(
        queries,
        json={
            "subject": subject,
            "code": "hydration",
            "instance": "LEFT",
            "level": "warning",
            "message": "Hydration before TEWL?",
        },
        headers=split.headers,
    )
    assert raised.status_code == 201, raised.json
    assert raised.json["instance"] == "LEFT"
    for instance in ("NOPE", None):
        body = {"subject": subject, "code": "hydration", "level": "warning", "message": "x"}
        wrong: Any = split.monitor.post(
            queries,
            json={**body, **({"instance": instance} if instance else {})},
            headers=split.headers,
        )
        assert wrong.status_code == 422, wrong.json
    left: Any = split.investigator.get(split.zone_url(subject, "LEFT"), headers=split.headers)
    assert sorted(q["message"] for q in left.json["queries"]) == [
        "Hydration before TEWL?",
        "TEWL high",
    ]
    right: Any = split.investigator.get(split.zone_url(subject, "RIGHT"), headers=split.headers)
    assert right.json["queries"] == [] and right.json["progress"]["answered"] == 0
    progress = split.investigator.get(
        f"/api/ecrf/subjects/{subject}/progress", headers=split.headers
    )
    day0 = next(s for s in progress.json["sections"] if s["section"] == split.day0)
    assert (day0["required"], day0["answered"]) == (9, 2)
    with app.app_context(), tenant_context(tenant):
        overrides = (
            db.session.execute(
                sa.select(AuditRecord.reason).where(
                    AuditRecord.action == "measurement_order_overridden"
                )
            )
            .scalars()
            .all()
        )
        zone_answers = (
            db.session.execute(
                sa.select(AuditRecord.action).where(AuditRecord.object_type == "ecrf_answers")
            )
            .scalars()
            .all()
        )
    assert overrides == ["Probe broke, TEWL later"]
    assert zone_answers.count("create") == 2

    # A known data set: per subject, product A's zone and product B's zone.
    values = {CODES[0]: [10.0, 11.0, 12.0, 13.0], CODES[1]: [12.0, 14.0, 16.0, 19.0]}
    subjects = [split.subject() for _ in range(4)]
    for index, one in enumerate(subjects):
        split.randomize(one, design)
        for zone, code in _placed(split, one).items():
            tewl = 5.0 if code is None else values[code][index]
            for answers in ({"tewl": tewl}, {"hydration": 40.0}, {"redness": 1}):
                saved = split.save_zone(one, zone, answers)
                assert saved.status_code == 200, saved.json
    found: Any = split.get(f"/designs/{design['uuid']}/results", split.statistician)
    assert found.status_code == 200, found.json
    tewl_result = next(r for r in found.json if r["question"] == "tewl")
    by_code = {p["code"]: p for p in tewl_result["products"]}
    # The first subject's LEFT zone (tewl 60) has no partner value: 4 pairs, and the
    # first subject adds one value to its product's zone.
    first_code = placed["LEFT"]
    a_values = values[CODES[0]] + ([60.0] if first_code == CODES[0] else [])
    assert by_code[CODES[0]]["n"] == len(a_values)
    assert math.isclose(by_code[CODES[0]]["mean"], statistics.fmean(a_values))
    assert by_code[CODES[0]]["product"] == PRODUCT_NAMES[0]
    assert by_code["control"]["n"] == 4 and by_code["control"]["mean"] == 5.0
    pair = next(d for d in tewl_result["differences"] if (d["first"], d["second"]) == CODES[:2])
    differences = [a - b for a, b in zip(values[CODES[0]], values[CODES[1]], strict=True)]
    assert pair["n"] == 4
    assert math.isclose(pair["mean"], statistics.fmean(differences))
    assert math.isclose(pair["sd"], statistics.stdev(differences))
    t = statistics.fmean(differences) / (statistics.stdev(differences) / 2)
    assert math.isclose(pair["t"], t) and 0 < pair["p"] < 0.05

    # The blinded evaluator: every answer walked, no product anywhere; results refused.
    names = set(PRODUCT_NAMES)
    for path in (
        "/zones/",
        "/designs/",
        f"/designs/{design['uuid']}",
        "/assessments/",
        f"/subjects/{subject}/allocation",
    ):
        seen: Any = split.get(path, split.investigator)
        assert seen.status_code == 200, (path, seen.json)
        assert not names & set(_texts(seen.json)), path
    for url in (split.zone_url(subject, "LEFT"), split.zone_url(subject, "BACK")):
        seen = split.investigator.get(url, headers=split.headers)
        assert seen.status_code == 200 and not names & set(_texts(seen.json))
    assert split.get(f"/designs/{design['uuid']}/results", split.investigator).status_code == 403
    sheet: Any = split.get(f"/subjects/{subject}/instructions", split.investigator)
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    assert split.get(f"/subjects/{subject}/instructions", language="xx").status_code == 422

    # Another center's evaluator does not see the subject.
    for path in (f"/subjects/{subject}/allocation", f"/subjects/{subject}/instructions"):
        assert split.get(path, split.lyon_investigator).status_code == 404
    assert (
        split.lyon_investigator.get(
            split.zone_url(subject, "LEFT"), headers=split.headers
        ).status_code
        == 404
    )

    # The export's rows: the zone always, the product only in an unblinded export.
    with app.app_context(), tenant_context(tenant), unit_of_work():
        study = db.session.execute(
            sa.select(Study).where(Study.uuid == uuid.UUID(split.headers["Study-Uuid"]))
        ).scalar_one()
        blind_columns, blind_rows = export_rows(study, unblinded=False)
        blind = list(blind_rows)
        open_columns, open_rows = export_rows(study, unblinded=True)
        unblinded = list(open_rows)
    assert "product" not in blind_columns and open_columns[-1] == "product"
    assert len(blind) == len(unblinded) == 2 + 4 * 3 * 3
    assert not names & {cell for row in blind for cell in row if isinstance(cell, str)}
    assert {row[-1] for row in unblinded} == {PRODUCT_NAMES[0], PRODUCT_NAMES[1], None}


def test_a_cleared_measurement_is_not_done_for_the_order(split: Split):
    split.zones("LEFT", "RIGHT")
    design = split.live_design("ab_ba", 2)
    assert split.assess(design["uuid"], ["tewl", "hydration"]).status_code == 201
    subject = split.subject()
    split.randomize(subject, design)
    assert split.save_zone(subject, "LEFT", {"tewl": 12.0}).status_code == 200
    cleared = split.save_zone(subject, "LEFT", {"tewl": None}, reason="Probe not calibrated")
    assert cleared.status_code == 200, cleared.json
    # Stored as cleared, TEWL counts as not measured, as the form engine counts it.
    early = split.save_zone(subject, "LEFT", {"hydration": 41.5})
    assert (
        early.status_code == 409
        and early.json["error"]["internal_name"] == "MEASUREMENT_OUT_OF_ORDER"
    ), early.json
    assert early.json["error"]["details"]["missing"] == ["tewl"]
