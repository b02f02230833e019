"""The monitoring plugin loads, needs the eCRF, and gives the default roles its
permissions."""

from __future__ import annotations


def test_a_monitored_trial_reads_its_sections_with_annotations(trial):
    view = trial.read(trial.investigator)
    assert view.status_code == 200, view.json
    assert isinstance(view.json["annotations"], dict)


def test_the_default_roles_get_monitoring_permissions(trial, client_as, tenant):
    listed = client_as(tenant).get("/api/roles/")
    assert listed.status_code == 200, listed.json
    roles = {r["name"]: set(r["permissions"]) for r in listed.json}
    assert "signatures.sign" in roles["investigator"]
    assert "signatures.sign" not in roles["monitor"]
    assert "source_data_verification.verify" in roles["monitor"]
    assert {"data_locks.lock", "queries.close"} <= roles["data_manager"]
