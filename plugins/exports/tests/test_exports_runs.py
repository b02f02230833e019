"""Running exports: a job with its state and progress, failing with its reason, notified,
reproducible from its snapshot, downloadable by whom it should be and audited, expired."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from rq import Queue, SimpleWorker

from datacapt.testing import emails_to, unit_of_work
from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.exports.extract import chunks
from plugins.exports.runs.services import remove_expired
from plugins.exports.tests.support import DEFINITIONS, RUNS, Trial


def _work(app, connection) -> None:
    with app.app_context():
        SimpleWorker([Queue("default", connection=connection)], connection=connection).work(
            burst=True
        )


def _read(trial: Trial, export: str, client=None) -> Any:
    return (client or trial.data_manager).get(f"{RUNS}{export}", headers=trial.headers)


def test_a_run_is_a_job_with_its_progress_and_its_requester_is_told(
    app, trial: Trial, redis_queue, monkeypatch
):
    monkeypatch.setattr(chunks, "CHUNK", 1)  # a chunk per subject: two steps and the files
    definition = trial.define()
    asked = trial.run(definition["uuid"], "csv")
    assert asked.status_code == 202, asked.json
    assert (asked.json["state"], asked.json["progress"]["percent"]) == ("queued", 0)
    _work(app, redis_queue)
    done = _read(trial, asked.json["uuid"]).json
    assert done["state"] == "done", done
    assert done["progress"] == {"rows": 4, "percent": 100, "steps_done": 3, "steps_total": 3}
    assert done["started_at"] and done["finished_at"] and done["expires_at"]
    assert [f["rows"] for f in done["files"]] == [2, 2]
    assert all(len(f["sha256"]) == 64 for f in done["files"])
    snapshot = done["snapshot"]
    assert snapshot["ecrf_version"] == 1 and snapshot["audit_head"] and snapshot["data_sha256"]
    assert snapshot["changed_while_running"] is False
    with app.app_context(), tenant_context(trial.tenant):
        (email,) = emails_to(trial.data_manager.user.email)
        assert "EXP-1" in email.subject and "4 rows in 2 files" in email.body


def test_a_failed_run_says_why_and_keeps_no_file(app, trial: Trial):
    trial.save("PAR", 0, {"notes": "x" * 201}, reason="Full notes")
    definition = trial.define()
    failed = trial.export(definition["uuid"], "xpt")
    assert failed["state"] == "failed"
    assert failed["failure"] == (
        "The column notes of subjects has a value longer than 200 bytes, which SAS transport"
        " version 5 cannot hold."
    )
    assert failed["files"] == [] and failed["finished_at"]
    with app.app_context(), tenant_context(trial.tenant):
        (email,) = emails_to(trial.data_manager.user.email)
        assert "failed" in email.subject and "200 bytes" in email.body
    # Another format holds it.
    assert trial.export(definition["uuid"], "sav")["state"] == "done"


def test_a_reproduction_says_whether_the_data_changed_since(trial: Trial):
    definition = trial.define()
    original = trial.export(definition["uuid"], "csv")
    again: Any = trial.data_manager.post(
        f"{RUNS}{original['uuid']}/reproduction", headers=trial.headers
    )
    assert again.status_code == 202, again.json
    same = _read(trial, again.json["uuid"]).json
    assert (same["state"], same["reproduces"], same["identical"]) == (
        "done",
        original["uuid"],
        True,
    )
    assert same["snapshot"]["audit_head"] == original["snapshot"]["audit_head"]
    assert [f["sha256"] for f in same["files"]] == [f["sha256"] for f in original["files"]]
    # A later change of the definition does not change what the run took.
    changed = trial.data_manager.put(
        f"{DEFINITIONS}{definition['uuid']}",
        json={"name": "Renamed", "layout": "long"},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    trial.save("LYO", 0, {"age": 59}, reason="Birthday missed")
    later: Any = trial.data_manager.post(
        f"{RUNS}{original['uuid']}/reproduction", headers=trial.headers
    )
    different = _read(trial, later.json["uuid"]).json
    assert (different["identical"], different["settings"]["layout"]) == (False, "wide")
    assert different["snapshot"]["audit_head"] > original["snapshot"]["audit_head"]


def test_files_are_downloaded_by_the_requester_and_download_holders_only(trial: Trial, join_study):
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv")
    name = export["files"][0]["name"]
    assert trial.download(export, name).status_code == 200
    assert trial.download(export, name, trial.manager).status_code == 200  # exports.download
    # The monitor reads definitions but may not download others' exports.
    assert trial.monitor.get(DEFINITIONS, headers=trial.headers).status_code == 200
    assert _read(trial, export["uuid"], trial.monitor).status_code == 404
    assert trial.download(export, name, trial.monitor).status_code == 404
    assert trial.run(definition["uuid"], "csv", trial.monitor).status_code == 403
    # Site staff neither define nor run nor read exports.
    assert (
        trial.investigator.post(DEFINITIONS, json={"name": "x"}, headers=trial.headers).status_code
        == 403
    )
    assert (
        trial.investigator.get(f"{RUNS}{export['uuid']}", headers=trial.headers).status_code == 403
    )
    # A data manager who sees Lyon only does not get an export of Paris's subjects.
    assert _read(trial, export["uuid"], trial.lyon_data_manager).status_code == 404
    assert trial.download(export, name, trial.lyon_data_manager).status_code == 404
    # The core's file route never serves an export's file.
    stored = trial.data_manager.get(
        f"/api/files/{_file_uuid(trial, export)}", headers=trial.headers
    )
    assert stored.status_code == 404
    with trial.app.app_context(), tenant_context(trial.tenant):
        downloads = (
            db.session.execute(
                sa.select(AuditRecord.actor_id).where(
                    AuditRecord.object_type == "export_files", AuditRecord.action == "download"
                )
            )
            .scalars()
            .all()
        )
        requested = db.session.execute(
            sa.select(AuditRecord.actor_id).where(
                AuditRecord.object_type == "export_runs", AuditRecord.action == "create"
            )
        ).scalar_one()
    assert sorted(downloads) == sorted(
        [str(trial.data_manager.user.uuid), str(trial.manager.user.uuid)]
    )
    assert requested == str(trial.data_manager.user.uuid)


def _file_uuid(trial: Trial, export: Any) -> str:
    from plugins.exports.runs.models import ExportFile

    with trial.app.app_context(), tenant_context(trial.tenant):
        return str(
            db.session.execute(
                sa.select(ExportFile.file_uuid).where(ExportFile.uuid == export["files"][0]["uuid"])
            ).scalar_one()
        )


def test_a_center_limited_requester_exports_their_centers_only(trial: Trial):
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv", trial.lyon_data_manager)
    assert export["centers"] == [trial.centers["LYO"]]
    subjects = trial.download(export, "EXP_1_All_data_subjects.csv", trial.lyon_data_manager)
    rows = list(csv.DictReader(io.StringIO(subjects.data.decode())))
    assert [row["subject"] for row in rows] == [trial.labels["LYO"]]
    # Who sees every center downloads it too (exports.download).
    assert trial.download(export, "EXP_1_All_data_subjects.csv").status_code == 200


def test_the_arm_leaves_only_with_an_unblinded_requester(
    trial: Trial, enable_plugins, client_as, join_study
):
    enable_plugins(trial.tenant, "randomizations")
    admin = client_as(trial.tenant)
    role = admin.post(
        "/api/roles/",
        json={
            "name": "unblinded_statistician",
            "permissions": [
                "exports.access",
                "exports.define",
                "exports.run",
                "exports.download",
                "randomizations.access",
                "randomizations.view_arms",
            ],
        },
    )
    assert role.status_code == 201, role.json
    statistician = join_study(trial.headers, trial.tenant, "unblinded_statistician")
    definition = trial.define()
    blinded = trial.export(definition["uuid"], "csv")
    unblinded = trial.export(definition["uuid"], "csv", statistician)
    assert (blinded["arm_included"], unblinded["arm_included"]) == (False, True)
    header = trial.download(unblinded, "EXP_1_All_data_subjects.csv", statistician).data.split(
        b"\r\n"
    )[0]
    assert header.startswith(b"subject,center,status,inclusion_date,arm,")
    assert b",arm," not in trial.content(blinded, "EXP_1_All_data_subjects.csv").split(b"\r\n")[0]
    # A blinded holder of exports.download never reaches the unblinded run.
    assert _read(trial, unblinded["uuid"]).status_code == 404
    listed: Any = trial.data_manager.get(RUNS, headers=trial.headers).json
    assert unblinded["uuid"] not in {r["uuid"] for r in listed}


def test_expired_files_are_removed_and_their_record_stays(trial: Trial, client_as):
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv")
    expires = dt.datetime.fromisoformat(export["expires_at"])
    assert expires - dt.datetime.fromisoformat(export["finished_at"]) == dt.timedelta(days=7)
    with (
        time_machine.travel(expires + dt.timedelta(minutes=1)),
        trial.app.app_context(),
        tenant_context(trial.tenant),
        unit_of_work(),
    ):
        assert remove_expired() == 1
    gone = _read(trial, export["uuid"]).json
    assert gone["state"] == "expired"
    assert [f["available"] for f in gone["files"]] == [False, False]
    assert [f["sha256"] for f in gone["files"]] == [f["sha256"] for f in export["files"]]
    refused = trial.download(export, export["files"][0]["name"])
    assert (refused.status_code, refused.json["error"]["internal_name"]) == (409, "EXPORT_EXPIRED")
    # Where the study sets no time, the customer's retention of export files decides.
    retention = {"retention_days": {"export_files": 3}}
    admin = client_as(trial.tenant)
    assert admin.patch("/api/tenant/settings", json=retention).status_code == 200
    later = trial.export(definition["uuid"], "csv")
    kept = dt.datetime.fromisoformat(later["expires_at"])
    assert kept - dt.datetime.fromisoformat(later["finished_at"]) == dt.timedelta(days=3)


def test_an_altered_file_is_not_served(trial: Trial):
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv")
    stored = Path(trial.app.config["DATACAPT_FILES_DIR"]) / trial.tenant.schema_name
    (stored / _file_uuid(trial, export)).write_bytes(b"subject\nforged\n")
    refused = trial.download(export, export["files"][0]["name"])
    assert (refused.status_code, refused.json["error"]["internal_name"]) == (
        409,
        "EXPORT_FILE_ALTERED",
    )


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": "x", "questions": ["nope"]}, 422, "DEFINITION_INVALID", "questions"),
        (
            {"name": "x", "sections": ["6f1c2b1e-0000-4000-8000-000000000000"]},
            422,
            "DEFINITION_INVALID",
            "sections",
        ),
        ({"name": "x", "layout": "diagonal"}, 422, "VALIDATION_FAILED", "layout"),
        ({"name": "x", "extras": ["personal_data"]}, 422, "VALIDATION_FAILED", "extras"),
        (
            {"name": "x", "included_from": "2026-02-01", "included_to": "2026-01-01"},
            422,
            "VALIDATION_FAILED",
            "included_to",
        ),
        ({"name": "All data"}, 409, "DEFINITION_NAME_TAKEN", "name"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_written(
    trial: Trial, body, status, code, field
):
    trial.define()
    refused: Any = trial.data_manager.post(DEFINITIONS, json=body, headers=trial.headers)
    assert refused.status_code == status, refused.json
    assert refused.json["error"]["internal_name"] == code
    assert field in refused.json["error"]["fields"]
    kept: Any = trial.data_manager.get(DEFINITIONS, headers=trial.headers).json
    assert len(kept) == 1


def test_a_bad_run_request_is_refused(trial: Trial):
    definition = trial.define()
    refused = trial.run(definition["uuid"], "pdf")
    assert (refused.status_code, refused.json["error"]["internal_name"]) == (
        422,
        "VALIDATION_FAILED",
    )
    no_lock = trial.run(definition["uuid"], "csv", lock="6f1c2b1e-0000-4000-8000-000000000000")
    assert (no_lock.status_code, no_lock.json["error"]["internal_name"]) == (422, "LOCK_NOT_HELD")
    assert trial.data_manager.get(RUNS, headers=trial.headers).json == []


def test_another_tenant_sees_nothing(trial: Trial, other_tenant, enable_plugins, client_as):
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv")
    enable_plugins(other_tenant, "exports")
    stranger = client_as(other_tenant)
    for url in (f"{DEFINITIONS}{definition['uuid']}", f"{RUNS}{export['uuid']}", RUNS):
        assert stranger.get(url, headers=trial.headers).status_code == 404, url


def test_a_requester_who_loses_a_center_no_longer_reaches_their_run_of_it(
    trial: Trial, client_as, join_study
):
    role = client_as(trial.tenant).post(
        "/api/roles/",
        json={"name": "exporter", "permissions": ["exports.access", "exports.run"]},
    )
    assert role.status_code == 201, role.json
    exporter = join_study(trial.headers, trial.tenant, "exporter")
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv", exporter)
    assert export["centers"] is None  # every center, as the exporter then saw
    team: Any = trial.manager.get("/api/study-users/", headers=trial.headers).json
    (member,) = [m for m in team if m["user"] == str(exporter.user.uuid)]
    moved = trial.manager.patch(
        f"/api/study-users/{member['uuid']}",
        json={"all_centers": False, "centers": [trial.centers["LYO"]]},
        headers=trial.headers,
    )
    assert moved.status_code == 200, moved.json
    assert _read(trial, export["uuid"], exporter).status_code == 404
    assert trial.download(export, "EXP_1_All_data_subjects.csv", exporter).status_code == 404
    listed: Any = exporter.get(RUNS, headers=trial.headers).json
    assert export["uuid"] not in {r["uuid"] for r in listed}
    again = exporter.post(f"{RUNS}{export['uuid']}/reproduction", headers=trial.headers)
    assert again.status_code == 404


def test_a_definition_or_run_of_another_study_is_unreachable(trial: Trial, make_study):
    other = make_study(trial.manager, "NCE", reference="EXP-2").headers
    definition = trial.define(trial.manager)
    export = trial.export(definition["uuid"], "csv", trial.manager)
    made = export["files"][0]["uuid"]
    client = trial.manager
    for answer in (
        client.get(f"{DEFINITIONS}{definition['uuid']}", headers=other),
        client.put(f"{DEFINITIONS}{definition['uuid']}", json={"name": "x"}, headers=other),
        client.post(
            f"{DEFINITIONS}{definition['uuid']}/runs", json={"format": "csv"}, headers=other
        ),
        client.get(f"{RUNS}{export['uuid']}", headers=other),
        client.get(f"{RUNS}{export['uuid']}/files/{made}", headers=other),
        client.post(f"{RUNS}{export['uuid']}/reproduction", headers=other),
    ):
        assert answer.status_code == 404, answer.json
    assert client.get(RUNS, headers=other).json == []
    assert client.get(DEFINITIONS, headers=other).json == []
    # Nor are its sections and centers those of another study's definition.
    for field, value in (("sections", trial.sections[0]), ("centers", trial.centers["PAR"])):
        refused: Any = client.post(DEFINITIONS, json={"name": "x", field: [value]}, headers=other)
        assert refused.status_code == 422, refused.json
        assert field in refused.json["error"]["fields"]
    assert client.get(DEFINITIONS, headers=other).json == []
    # Without the Study-Uuid header, nothing either.
    assert client.get(f"{RUNS}{export['uuid']}").status_code in (400, 404, 422)
