"""Casebooks through the REST API: one subject's PDF holds its values, each value's audit
trail, its queries and the signatures' manifestation; the study's casebooks by a job, zipped
or merged, with every subject; a stored file altered on disk is refused; who may print and
read, centers, blinding and tenants; bad input that writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from datacapt.testing import emails_to, pdf_text
from datacapt.toolkit import db, tenant_context
from plugins.reports.runs.models import ReportRun
from plugins.reports.tests.support import REPORTS, Trial


def printed(trial: Trial, client: Any = None, subject: str | None = None) -> dict[str, Any]:
    answer = trial.casebook(client or trial.manager, subject)
    assert answer.status_code == 201, answer.json
    return answer.json


def error(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json["error"]["internal_name"]


def audit(trial: Trial, **filters: str) -> list[dict[str, Any]]:
    query = {"study": trial.headers["Study-Uuid"], "object_type": "report_runs", "limit": "100"}
    found: Any = trial.auditor.get("/api/audit-trails/", query_string={**query, **filters})
    assert found.status_code == 200, found.json
    return found.json["records"]


@pytest.mark.requirement("P11-11.10b")
def test_a_casebook_holds_values_audit_trail_queries_and_signatures(trial):
    raised: Any = trial.monitor.post(
        "/api/monitoring/queries/",
        json={"subject": trial.subject, "code": "weight", "level": "warning", "message": "Weight?"},
        headers=trial.headers,
    )
    assert raised.status_code == 201, raised.json
    signed: Any = trial.investigator.post(
        "/api/monitoring/signatures/",
        json={
            "targets": [{"subject": trial.subject}],
            "meaning": "approval",
            "password": trial.investigator.user.password,
        },
        headers=trial.headers,
    )
    assert signed.status_code == 201, signed.json
    signed_at = signed.json["signatures"][0]["signed_at"]

    report = printed(trial)
    assert (report["kind"], report["state"], report["printed"]) == ("casebook", "done", 1)
    assert report["subject"] == trial.subject and report["reveals_arm"] is False
    download = trial.download(trial.manager, report["uuid"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = pdf_text(download.data)
    # Values with their codes and coded values; the other center's subject is not there.
    assert "Female (F)" in text and "72.5" in text and "No (false)" in text
    assert "Male (M)" not in text
    # The audit trail of the corrected value: old and new, who, why.
    assert "71.5" in text and "Scale recalibrated" in text and "Test Investigator" in text
    # The query with its thread; the signature's manifestation.
    assert "Weight?" in text and "raised" in text
    assert "approval" in text and signed_at[:10] in text and signed_at[11:19] in text
    assert report["sha256"] == hashlib.sha256(download.data).hexdigest()
    # Printing and downloading are audited.
    actions = [record["action"] for record in audit(trial)]
    assert "create" in actions and "download" in actions


def test_the_study_casebooks_are_printed_by_a_job_zipped_or_merged(app, tenant, trial):
    queued: Any = trial.manager.post(f"{REPORTS}casebooks", json={}, headers=trial.headers)
    assert queued.status_code == 202, queued.json
    assert (queued.json["kind"], queued.json["total"]) == ("study_casebooks", 2)
    # Without Redis the job ran in process once the request committed: read it again.
    done: Any = trial.manager.get(f"{REPORTS}{queued.json['uuid']}", headers=trial.headers)
    assert (done.json["state"], done.json["printed"], done.json["percent"]) == ("done", 2, 100)
    archive = zipfile.ZipFile(io.BytesIO(trial.download(trial.manager, done.json["uuid"]).data))
    names = archive.namelist()
    assert len(names) == 2 and all(name.endswith("-casebook.pdf") for name in names)
    texts = [pdf_text(archive.read(name)) for name in names]
    assert any("Female (F)" in t for t in texts) and any("Male (M)" in t for t in texts)

    merged: Any = trial.manager.post(
        f"{REPORTS}casebooks", json={"layout": "merged"}, headers=trial.headers
    )
    content = trial.download(trial.manager, merged.json["uuid"]).data
    text = pdf_text(content)
    assert "Female (F)" in text and "Male (M)" in text
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2
    # The requester is told of each, in their language.
    with app.app_context(), tenant_context(tenant):
        mails = emails_to(trial.manager.user.email)
        assert [m.subject for m in mails] == ["The casebooks of CASEBOOKS are printed"] * 2
        assert merged.json["uuid"] and "2 subjects" in mails[-1].body


def test_an_investigator_prints_only_the_subjects_of_the_centers_seen(trial):
    assert error(trial.casebook(trial.investigator, trial.lyon_subject)) == (
        404,
        "OBJECT_NOT_FOUND",
    )
    queued: Any = trial.investigator.post(f"{REPORTS}casebooks", json={}, headers=trial.headers)
    assert queued.status_code == 202 and queued.json["total"] == 1
    archive = zipfile.ZipFile(
        io.BytesIO(trial.download(trial.investigator, queued.json["uuid"]).data)
    )
    (name,) = archive.namelist()
    assert "Male (M)" not in pdf_text(archive.read(name))
    # The manager's reports of both centers are not in Paris's list nor read there.
    whole = printed(trial, trial.manager, trial.lyon_subject)
    listed: Any = trial.investigator.get(REPORTS, headers=trial.headers)
    assert [r["uuid"] for r in listed.json] == [queued.json["uuid"]]
    assert error(trial.download(trial.investigator, whole["uuid"])) == (404, "OBJECT_NOT_FOUND")
    other_center: Any = trial.investigator.post(
        f"{REPORTS}casebooks", json={"centers": [trial.centers["LYO"]]}, headers=trial.headers
    )
    assert error(other_center) == (422, "NO_SUBJECTS_TO_PRINT")


def test_who_may_print_and_read_casebooks(trial):
    report = printed(trial)
    assert error(trial.casebook(trial.viewer)) == (403, "PERMISSION_DENIED")
    assert error(trial.download(trial.viewer, report["uuid"])) == (403, "PERMISSION_DENIED")
    listed: Any = trial.viewer.get(REPORTS, headers=trial.headers)
    assert listed.status_code == 200 and [r["uuid"] for r in listed.json] == [report["uuid"]]
    assert trial.download(trial.monitor, report["uuid"]).status_code == 200


@pytest.mark.requirement("A11-7")
def test_a_stored_casebook_altered_on_disk_is_refused_and_the_finding_audited(app, tenant, trial):
    report = printed(trial)
    with app.app_context(), tenant_context(tenant):
        file_uuid = db.session.execute(
            sa.select(ReportRun.file_uuid).where(ReportRun.uuid == uuid.UUID(report["uuid"]))
        ).scalar_one()
    path = Path(app.config["DATACAPT_FILES_DIR"]) / tenant.schema_name / str(file_uuid)
    path.write_bytes(path.read_bytes() + b"%")
    assert error(trial.download(trial.manager, report["uuid"])) == (409, "REPORT_FILE_ALTERED")
    actions = [record["action"] for record in audit(trial)]
    assert actions.count("file_altered") == 1 and "download" not in actions


def test_another_tenant_sees_nothing(trial, enable_plugins, client_as, other_tenant):
    report = printed(trial)
    enable_plugins(other_tenant, "reports")
    outsider = client_as(other_tenant, "administrator")
    created: Any = outsider.post("/api/studies/", json={"reference": "O", "name": "O"})
    own = {"Study-Uuid": created.json["uuid"]}
    for headers in (trial.headers, own):
        assert outsider.get(f"{REPORTS}{report['uuid']}/file", headers=headers).status_code == 404
        assert (
            outsider.post(
                f"{REPORTS}subjects/{trial.subject}/casebook", headers=headers
            ).status_code
            == 404
        )
    assert outsider.get(REPORTS, headers=own).json == []


def test_bad_input_writes_nothing(app, tenant, trial):
    bodies: list[dict[str, Any]] = [
        {"layout": "tar"},
        {"centers": []},
        {"centers": ["not-a-uuid"]},
        {"x": 1},
    ]
    for body in bodies:
        answer: Any = trial.manager.post(f"{REPORTS}casebooks", json=body, headers=trial.headers)
        assert answer.status_code == 422, (body, answer.json)
    unknown: Any = trial.manager.post(
        f"{REPORTS}casebooks",
        json={"centers": ["00000000-0000-0000-0000-000000000000"]},
        headers=trial.headers,
    )
    assert unknown.status_code == 404
    assert trial.manager.get(f"{REPORTS}?kind=nothing", headers=trial.headers).status_code == 422
    missing = trial.casebook(trial.manager, "00000000-0000-0000-0000-000000000000")
    assert error(missing) == (404, "OBJECT_NOT_FOUND")
    with app.app_context(), tenant_context(tenant):
        assert db.session.execute(sa.select(sa.func.count()).select_from(ReportRun)).scalar() == 0


def test_a_failed_job_says_why_and_its_report_is_not_served(trial, monkeypatch):
    from plugins.reports.casebooks import services

    printed_first = services.casebook_pdf

    def fails_on_lyon(study, participation, *args):
        if participation.center.code == "LYO":
            raise RuntimeError("the printer ran out of fonts")
        return printed_first(study, participation, *args)

    monkeypatch.setattr(services, "casebook_pdf", fails_on_lyon)
    queued: Any = trial.manager.post(f"{REPORTS}casebooks", json={}, headers=trial.headers)
    assert queued.status_code == 202, queued.json
    failed: Any = trial.manager.get(f"{REPORTS}{queued.json['uuid']}", headers=trial.headers)
    assert failed.json["state"] == "failed" and failed.json["sha256"] is None
    # Only the error's kind: its text may hold data the run's readers may not see.
    assert failed.json["failure"] == {
        "message": "An unexpected error stopped the printing (RuntimeError)."
    }
    refused = trial.download(trial.manager, queued.json["uuid"])
    assert error(refused) == (409, "REPORT_NOT_READY")
    assert refused.json["error"]["details"]["state"] == "failed"


def test_a_study_without_design_has_no_annotated_crf(trial, make_study):
    empty = make_study(trial.manager, reference="EMPTY")
    refused = trial.manager.post(f"{REPORTS}annotated-crf", headers=empty.headers)
    assert error(refused) == (422, "NO_DESIGN_TO_PRINT")


@pytest.fixture
def database_in_kiribati(app):
    """Every connection of the app set to UTC+14, as a server's local time zone may be."""
    with app.app_context():
        engine = db.engine

    def local_time(connection, *_):
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Pacific/Kiritimati'")

    engine.dispose()
    sa.event.listen(engine, "connect", local_time)
    yield
    sa.event.remove(engine, "connect", local_time)
    engine.dispose()


def test_a_casebook_prints_its_times_in_utc_whatever_the_database_time_zone(
    database_in_kiribati, trial
):
    raised: Any = trial.monitor.post(
        "/api/monitoring/queries/",
        json={"subject": trial.subject, "code": "weight", "level": "warning", "message": "Weight?"},
        headers=trial.headers,
    )
    assert raised.status_code == 201, raised.json
    signed: Any = trial.investigator.post(
        "/api/monitoring/signatures/",
        json={
            "targets": [{"subject": trial.subject}],
            "meaning": "approval",
            "password": trial.investigator.user.password,
        },
        headers=trial.headers,
    )
    assert signed.status_code == 201, signed.json
    signed_at = dt.datetime.fromisoformat(signed.json["signatures"][0]["signed_at"])
    report = printed(trial)
    text = pdf_text(trial.download(trial.manager, report["uuid"]).data)
    in_utc = signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert f"Date and time {in_utc} UTC" in text
    # The audit trail's times too: all written within moments of the signature.
    printed_times = re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", text)
    assert len(printed_times) >= 7  # printed, 4 changes, the query's message, signed
    for moment in printed_times:
        at = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        assert abs(at - signed_at) < dt.timedelta(minutes=5), moment


def test_a_stored_casebook_missing_on_disk_is_refused_and_the_finding_audited(app, tenant, trial):
    report = printed(trial)
    with app.app_context(), tenant_context(tenant):
        file_uuid = db.session.execute(
            sa.select(ReportRun.file_uuid).where(ReportRun.uuid == uuid.UUID(report["uuid"]))
        ).scalar_one()
    (Path(app.config["DATACAPT_FILES_DIR"]) / tenant.schema_name / str(file_uuid)).unlink()
    assert error(trial.download(trial.manager, report["uuid"])) == (409, "REPORT_FILE_ALTERED")
    actions = [record["action"] for record in audit(trial)]
    assert actions.count("file_altered") == 1 and "download" not in actions


def test_the_study_casebooks_job_may_run_longer_than_a_queue_default(app, trial):
    outbox = sa.table("job_outbox", sa.column("func"), sa.column("args"), sa.column("timeout"))
    queued: Any = trial.manager.post(f"{REPORTS}casebooks", json={}, headers=trial.headers)
    assert queued.status_code == 202, queued.json
    with app.app_context():
        timeout = db.session.execute(
            sa.select(outbox.c.timeout).where(
                outbox.c.func == "plugins.reports.jobs.print_casebooks",
                sa.cast(outbox.c.args, sa.Text) == f'["{queued.json["uuid"]}"]',
            )
        ).scalar_one()
    # RQ's default (180 s) would stop a study of some hundreds of subjects half printed,
    # and each retry would start again from the first.
    assert timeout is not None and timeout >= 4 * 3600
