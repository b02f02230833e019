"""Traceability through the API: from a batch to its kits, the subjects who received them
and their adverse events; from a subject back to every batch they received. Only for
callers who see arms and products."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.support import BASE, Trial

SETTINGS = "/api/plugins/allocation/study-settings"


def test_a_batch_leads_to_its_subjects_and_their_adverse_events_and_back(trial: Trial):
    settings: Any = trial.manager.patch(
        SETTINGS, json={"adverse_event_question": "ae"}, headers=trial.headers
    )
    assert settings.status_code == 200, settings.json
    trial.configure()
    trial.configure(section="Day 28")
    for arm, start in (("ACTIVE", 1), ("PLACEBO", 51)):
        trial.stock("dummy", arm, "PAR", range(start, start + 4))
        trial.stock("dummy", arm, "LYO", range(start + 10, start + 12))
    subjects = [trial.randomized_subject(environment="test") for _ in range(3)]
    lyon = trial.randomized_subject("LYO", environment="test")
    for subject, _ in subjects:
        trial.dispense(subject, environment="test")
    trial.dispense(lyon[0], "Day 1", "test", "LYO")
    first, arm = subjects[0]
    trial.dispense(first, section="Day 28", environment="test")
    events = [{"term": "Headache", "onset": "2026-03-02"}, {"term": "Nausea", "onset": ""}]
    trial.answer(first, "Day 28", {"ae": events})
    batch = trial.batches[arm]
    traced: Any = trial.pharmacist.get(
        f"{BASE}/traceability/batches/{batch}", headers=trial.headers
    )
    assert traced.status_code == 200, traced.json
    body = traced.json
    assert body["product"] == ("Zorblax 10 mg" if arm == "ACTIVE" else "Zorblax placebo")
    assert body["adverse_event_question"] == "ae"
    same_arm = {s for s, a in [*subjects, lyon] if a == arm}
    assert {s["uuid"] for s in body["subjects"]} == same_arm
    (mine,) = [s for s in body["subjects"] if s["uuid"] == first]
    # Dispensed first at Day 1, the lowest kit of the arm; then its Day 28 kit.
    numbers = [k["kit"] for k in mine["kits"]]
    assert numbers[0] == ("K00001" if arm == "ACTIVE" else "K00051")
    assert numbers == sorted(numbers)
    assert len(mine["kits"]) == 2 and mine["center"] == "PAR"
    assert [e["term"] for e in mine["adverse_events"]] == ["Headache", "Nausea"]
    given = len(same_arm) + 1  # and the first subject's Day 28 kit
    counts = {(k["inventory"], k["status"]): k["count"] for k in body["kits"]}
    assert counts["dummy", "dispensed"] == given
    back: Any = trial.pharmacist.get(f"{BASE}/traceability/subjects/{first}", headers=trial.headers)
    assert back.status_code == 200, back.json
    assert back.json["subject"] == first
    assert [entry["batch"]["uuid"] for entry in back.json["kits"]] == [batch, batch]
    kit_types = {entry["kit_type"] for entry in back.json["kits"]}
    assert kit_types == {"KT-A" if arm == "ACTIVE" else "KT-P"}
    # Blinded roles are refused; a batch of another study's product is absent.
    for client in (trial.investigator, trial.monitor, trial.manager):
        refused: Any = client.get(f"{BASE}/traceability/batches/{batch}", headers=trial.headers)
        assert refused.status_code == 403, (client.user.role, refused.json)
        assert "Zorblax" not in str(refused.json)
        back_refused: Any = client.get(
            f"{BASE}/traceability/subjects/{first}", headers=trial.headers
        )
        assert back_refused.status_code == 403
    unknown: Any = trial.pharmacist.get(
        f"{BASE}/traceability/batches/{trial.study}", headers=trial.headers
    )
    assert unknown.status_code == 404
