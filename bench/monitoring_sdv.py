"""Source data verification's cost, in process (the app's test client), on one study of
``--subjects`` subjects with a visit of 20 answered questions each:

1. Bulk verification of the visit (every subject's 20 items, one row and one audit record
   per item), against reading the same answers alone in the same run: seconds of each.
2. The study's progress under a random plan (a sample drawn per center from its seed):
   p50 of sequential requests.
3. A data-entry read of one section with the monitoring annotations: p50.

    python bench/monitoring_sdv.py [--subjects 500] [--rounds 3] [--reads 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit
from ecrf import DESIGN, QUESTIONS, answers

SCHEMA = "bench_sdv"
TENANT_HOST = "sdv.bench"


def prepare(url: str, subjects: int):
    """A tenant with monitoring, a study with the design, ``subjects`` subjects at two
    centers with the first section answered (inserted directly: the setup is not timed)."""
    from sqlalchemy.dialects.postgresql import insert

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Answer
    from plugins.ecrf.services import save_design
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "SDV bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "monitoring", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@sdv.bench", "SDV")
            centers = [create_center(code, code, "FR") for code in ("PAR", "LYO")]
            for center in centers:
                add_study_center(study, center.uuid)
            save_design(study, DESIGN)
            values = answers(1)
            rows = []
            for index in range(subjects):
                participation = add_subject(study, centers[index % 2].uuid, {})
                rows.extend(
                    {"subject_in_study_id": participation.id, "code": code, "value": value}
                    for code, value in values.items()
                )
            db.session.execute(insert(Answer), rows)
            db.session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=30)
    args = parser.parse_args()

    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context
    from plugins.ecrf.models import Answer
    from plugins.monitoring.verification.models import Verification
    from plugins.subjects.models import SubjectInStudy

    app = prepare(bench_database_url(), args.subjects)
    client = app.test_client()
    host = {"Host": TENANT_HOST}
    login = client.post(
        "/api/auth/login",
        json={"email": "admin@sdv.bench", "password": BENCH_PASSWORD},
        headers=host,
    )
    auth = {**host, "Authorization": f"Bearer {login.json['token']}"}
    study = client.get("/api/studies/", headers=auth).json[0]["uuid"]
    headers = {**auth, "Study-Uuid": study}
    section = client.get("/api/ecrf/", headers=headers).json["sections"][0]["uuid"]
    codes = [f"q{index:02d}" for index in range(QUESTIONS)]

    bulk, reread = [], []
    for _ in range(args.rounds):
        with app.app_context(), tenant_context(SCHEMA):
            db.session.execute(sa.delete(Verification))
            db.session.commit()
            started = time.perf_counter()
            read = db.session.execute(
                sa.select(Answer.subject_in_study_id, Answer.code, Answer.value)
                .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
                .where(Answer.code.in_(codes))
            ).all()
            reread.append(time.perf_counter() - started)
            db.session.rollback()
        assert len(read) == args.subjects * QUESTIONS
        started = time.perf_counter()
        verified = client.post(f"/api/monitoring/verification/sections/{section}", headers=headers)
        bulk.append(time.perf_counter() - started)
        assert verified.json == {"verified": args.subjects * QUESTIONS, "already_verified": 0}

    plan = client.post(
        "/api/monitoring/verification/plans/",
        json={"kind": "random_subjects", "percentage": 30, "effective_from": "2000-01-01"},
        headers=headers,
    )
    assert plan.status_code == 201, plan.json
    progress = []
    for _ in range(args.reads):
        started = time.perf_counter()
        figures = client.get("/api/monitoring/verification/progress", headers=headers)
        progress.append(time.perf_counter() - started)
        assert figures.json["study"]["verified"] == figures.json["study"]["required"]
    subject = client.get("/api/ecrf/subjects/", headers=headers).json[0]["uuid"]
    section_reads = []
    for _ in range(args.reads):
        started = time.perf_counter()
        read_section = client.get(
            f"/api/ecrf/subjects/{subject}/sections/{section}", headers=headers
        )
        section_reads.append(time.perf_counter() - started)
        assert set(read_section.json["annotations"]) >= {"verification", "review"}

    emit(
        {
            "subjects": args.subjects,
            "items_per_bulk_verification": args.subjects * QUESTIONS,
            "bulk_verification_seconds": round(statistics.median(bulk), 3),
            "reread_answers_seconds": round(statistics.median(reread), 3),
            "bulk_over_reread": round(statistics.median(bulk) / statistics.median(reread), 1),
            "progress_random_plan_p50_ms": round(statistics.median(progress) * 1000, 1),
            "section_read_with_annotations_p50_ms": round(
                statistics.median(section_reads) * 1000, 1
            ),
            "rounds": args.rounds,
        }
    )


if __name__ == "__main__":
    main()
