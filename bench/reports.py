"""Casebook PDFs of ``--subjects`` subjects (200), in process (the app's test client), one
study, each subject with four visits of five questions answered and one corrected (so
each value has an audit trail):

1. The study's casebooks through the API, by its job run in process (each subject's
   content read, printed to PDF/A by WeasyPrint, zipped, stored with its SHA-256): seconds,
   and seconds per subject.
2. The casebooks' content alone (values, audit trails, queries), read for every subject
   without printing: seconds.
3. The baseline, measured in the same run: reading the same subjects' answers alone.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_reports \\
        python bench/reports.py [--subjects 200]
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit

SCHEMA = "bench_reports"
TENANT_HOST = "reports.bench"
SECTIONS = 4
QUESTIONS = 5  # per section: a choice, a decimal, an integer, a yes/no, a text


def _design() -> dict:
    def section(index: int) -> dict:
        blocks = [
            ("sex" if not index else f"choice{index}", "single_choice"),
            (f"weight{index}", "decimal"),
            (f"score{index}", "integer"),
            (f"smoker{index}", "yes_no"),
            (f"note{index}", "short_text"),
        ]
        return {
            "title": {"en": f"Visit {index}"},
            "subsections": [
                {
                    "title": {"en": "Form"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": code,
                            "type": kind,
                            "label": {"en": code.title()},
                            "options": {"choices": [{"value": "A"}, {"value": "B"}]}
                            if kind == "single_choice"
                            else {},
                        }
                        for code, kind in blocks
                    ],
                }
            ],
        }

    return {"sections": [section(index) for index in range(SECTIONS)]}


def _answers(index: int) -> dict:
    answers: dict = {}
    for section in range(SECTIONS):
        answers["sex" if not section else f"choice{section}"] = "AB"[index % 2]
        answers[f"weight{section}"] = f"{60 + index % 30}.5"
        answers[f"score{section}"] = index % 10
        answers[f"smoker{section}"] = bool(index % 3)
        answers[f"note{section}"] = f"Visit {section} of subject {index}"
    return answers


def prepare(url: str, subjects: int):
    """A tenant with reports, a study of one center, its design saved through the API and
    ``subjects`` subjects whose answers are stored and audited as data entry would (one
    value corrected with a reason); not timed."""
    from datacapt.audit.recorder import Actor, acting_as, reason_for_change
    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Answer
    from plugins.subjects.models import Subject, SubjectInStudy

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Reports bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "reports", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@reports.bench", "CASE")
            center = create_center("PAR", "PAR", "FR")
            add_study_center(study, center.uuid)
            db.session.commit()
            study_id, center_id = study.id, center.id
    client = app.test_client()
    host = {"Host": TENANT_HOST}
    login = client.post(
        "/api/auth/login",
        json={"email": "admin@reports.bench", "password": BENCH_PASSWORD},
        headers=host,
    )
    with app.app_context(), tenant_context(SCHEMA):
        from datacapt.studies.models import Study

        study_uuid = str(db.session.get(Study, study_id).uuid)
    auth = {**host, "Authorization": f"Bearer {login.json['token']}", "Study-Uuid": study_uuid}
    etag = client.get("/api/ecrf/", headers=auth).headers["ETag"]
    saved = client.put("/api/ecrf/", json=_design(), headers={**auth, "If-Match": etag})
    assert saved.status_code == 200, saved.json
    investigator = Actor("user", "bench", "Bench Investigator")
    with app.app_context(), tenant_context(SCHEMA), acting_as(investigator):
        for index in range(subjects):
            subject = Subject()
            db.session.add(subject)
            db.session.flush()
            participation = SubjectInStudy(
                study_id=study_id,
                subject_id=subject.id,
                center_id=center_id,
                study_subject_id=f"S{index:04d}",
                status="included",
            )
            db.session.add(participation)
            db.session.flush()
            rows = [
                Answer(subject_in_study_id=participation.id, code=code, value=value)
                for code, value in _answers(index).items()
            ]
            db.session.add_all(rows)
            db.session.flush()
            with reason_for_change("Transcription error"):
                rows[1].value = f"{70 + index % 30}.0"
                db.session.flush()
        db.session.commit()
    return app, client, auth, study_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=200)
    args = parser.parse_args()

    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.studies.models import Study
    from datacapt.tenancy.context import tenant_context
    from plugins.ecrf.models import Answer
    from plugins.reports.casebooks.content import casebook
    from plugins.subjects.models import SubjectInStudy

    app, client, auth, study_id = prepare(bench_database_url(), args.subjects)

    started = time.perf_counter()
    queued = client.post("/api/reports/casebooks", json={"layout": "zip"}, headers=auth)
    print_seconds = time.perf_counter() - started
    assert queued.status_code == 202, queued.json
    # Without Redis the job ran in process after the request: read its report again.
    done = client.get(f"/api/reports/{queued.json['uuid']}", headers=auth).json
    assert (done["state"], done["printed"]) == ("done", args.subjects), done
    archive = client.get(f"/api/reports/{done['uuid']}/file", headers=auth).data
    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == args.subjects

    with app.app_context(), tenant_context(SCHEMA):
        study = db.session.get_one(Study, study_id)
        participations = (
            db.session.execute(sa.select(SubjectInStudy).where(SubjectInStudy.study_id == study_id))
            .scalars()
            .all()
        )
        started = time.perf_counter()
        for participation in participations:
            casebook(study, participation, "en", reveals_arm=False)
        content_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for participation in participations:
            db.session.execute(
                sa.select(Answer.code, Answer.value).where(
                    Answer.subject_in_study_id == participation.id
                )
            ).all()
        read_seconds = time.perf_counter() - started
        db.session.rollback()

    emit(
        {
            "subjects": args.subjects,
            "values": args.subjects * SECTIONS * QUESTIONS,
            "casebooks_request_and_job_seconds": round(print_seconds, 2),
            "seconds_per_subject": round(print_seconds / args.subjects, 3),
            "zip_bytes": len(archive),
            "content_read_seconds": round(content_seconds, 2),
            "baseline_answers_read_seconds": round(read_seconds, 3),
            "casebooks_over_answers_read": round(print_seconds / read_seconds, 1),
        }
    )


if __name__ == "__main__":
    main()
