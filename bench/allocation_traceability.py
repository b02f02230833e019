"""Traceability's cost, over HTTP on loopback (gunicorn, 2 workers): from a batch to the
subjects who received its kits and their adverse events, with ``--subjects`` subjects of
each arm (two kits each, two adverse events each): the batch of one arm reaches all of
its subjects. Against a study read (`GET /api/studies/<uuid>`) in the same run: p50 and
p99 of each, and of a subject's way back to their batches.

    python bench/allocation_traceability.py [--subjects 5000] [--requests 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import uuid

from _allocation import AE_QUESTION, ARMS, build_trial, create_tenant_with_allocation, kits_file
from _support import (
    bench_app,
    bench_database_url,
    bench_env,
    emit,
    login,
    percentile_ms,
    request,
    serving,
)

SCHEMA = "bench_traceability"
HOST = "traceability.bench"
EMAIL = "admin@traceability.bench"
PORT = 5824
VISITS = 2


def _rows(table, values: list[dict]) -> list[int]:
    """Insert ``values`` into ``table`` in one statement; the new ids in order."""
    import sqlalchemy as sa

    from datacapt.database import db

    now = dt.datetime.now(dt.UTC)
    stamped = [{"uuid": uuid.uuid4(), "created_at": now, "modified_at": now, **v} for v in values]
    inserted = db.session.execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), stamped
    )
    return list(inserted.scalars())


def prepare(url: str, per_arm: int) -> None:
    """``per_arm`` randomized subjects of each arm, each given a kit at both visits and
    with two adverse events; a batch per arm."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.identity.models import User
    from datacapt.tenancy.context import tenant_context
    from plugins.allocation.dispensing.models import Dispensing
    from plugins.allocation.kits.imports import import_kits
    from plugins.allocation.kits.models import Kit
    from plugins.ecrf.models import Answer
    from plugins.randomizations.models import Assignment, DesignVersion, RandomizationList
    from plugins.subjects.models import Subject, SubjectInStudy

    app = bench_app(url)
    with app.app_context():
        create_tenant_with_allocation(SCHEMA, HOST)
        with tenant_context(SCHEMA):
            trial = build_trial(EMAIL, VISITS)
            study = trial.study
            count = per_arm * len(ARMS)
            # Enough kits for everyone's visits, at their centers, of their arm's type.
            import_kits(study, "production", "kits.csv", kits_file(trial, count * VISITS * 2))
            db.session.commit()  # a large import's job runs here, without Redis
            admin = db.session.scalars(sa.select(User).where(User.email == EMAIL)).one()
            version = db.session.scalars(
                sa.select(DesignVersion).where(DesignVersion.design_id == trial.design.id)
            ).one()
            production = db.session.scalars(
                sa.select(RandomizationList).where(
                    RandomizationList.design_id == trial.design.id,
                    RandomizationList.environment == "production",
                )
            ).one()
            subject_ids = _rows(Subject.__table__, [{} for _ in range(count)])
            centers = trial.centers
            places = [(ARMS[n % 2], centers[(n // 2) % len(centers)]) for n in range(count)]
            participations = _rows(
                SubjectInStudy.__table__,
                [
                    {
                        "study_id": study.id,
                        "subject_id": subject_id,
                        "center_id": places[n][1].id,
                        "study_subject_id": f"S{n + 1:06d}",
                        "status": "included",
                        "inclusion_date": dt.date.today(),
                    }
                    for n, subject_id in enumerate(subject_ids)
                ],
            )
            assignments = _rows(
                Assignment.__table__,
                [
                    {
                        "study_id": study.id,
                        "design_id": trial.design.id,
                        "version_id": version.id,
                        "list_id": production.id,
                        "environment": "production",
                        "subject_in_study_id": participation,
                        "number": f"R{n + 1:06d}",
                        "arm": places[n][0],
                        "levels": {},
                        "answers": {},
                    }
                    for n, participation in enumerate(participations)
                ],
            )
            free: dict[tuple[int, int], list[int]] = {}
            for kit_id, kit_type_id, center_id in db.session.execute(
                sa.select(Kit.id, Kit.kit_type_id, Kit.center_id).order_by(Kit.sequence)
            ):
                free.setdefault((kit_type_id, center_id), []).append(kit_id)
            now = dt.datetime.now(dt.UTC)
            given, dispensings = [], []
            for n, participation in enumerate(participations):
                arm, center = places[n]
                kit_type = trial.kit_types[arm]
                for section in trial.visits:
                    kit = free[kit_type.id, center.id].pop(0)
                    given.append(kit)
                    dispensings.append(
                        {
                            "study_id": study.id,
                            "subject_in_study_id": participation,
                            "assignment_id": assignments[n],
                            "section_id": section.id,
                            "inventory": "production",
                            "kit_id": kit,
                            "kit_type_id": kit_type.id,
                            "status": "dispensed",
                            "dispensed_by_id": admin.id,
                            "dispensed_at": now,
                        }
                    )
            _rows(Dispensing.__table__, dispensings)
            db.session.execute(sa.update(Kit).where(Kit.id.in_(given)).values(status="dispensed"))
            events = [
                {"term": "Headache", "onset": "2026-03-02"},
                {"term": "Nausea", "onset": "2026-03-09"},
            ]
            db.session.execute(
                sa.insert(Answer),
                [
                    {"subject_in_study_id": p, "code": AE_QUESTION, "value": events}
                    for p in participations
                ],
            )
            db.session.commit()


def _timed(count: int, one_request) -> list[float]:
    assert one_request()  # warm-up, untimed
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        assert one_request()
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=5000, help="per arm")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    url = bench_database_url()
    prepare(url, args.subjects)
    with serving(bench_env(url, SCHEMA), ("wsgi:app", PORT)):
        auth, _ = login(PORT, HOST, EMAIL)
        status, data = request(PORT, "GET", "/api/studies/", auth)
        study = json.loads(data)[0]["uuid"]
        headers = {**auth, "Study-Uuid": study}
        body = json.dumps({"adverse_event_question": AE_QUESTION}).encode()
        status, data = request(
            PORT,
            "PATCH",
            "/api/plugins/allocation/study-settings",
            {**headers, "Content-Type": "application/json"},
            body,
        )
        assert status == 200, data
        status, data = request(PORT, "GET", "/api/subjects/?page_size=1", headers)
        subject = json.loads(data)[0]["uuid"]
        path = f"/api/allocation/traceability/subjects/{subject}"
        status, data = request(PORT, "GET", path, headers)
        assert status == 200, data
        batch = json.loads(data)["kits"][0]["batch"]["uuid"]  # it reaches every subject of the arm
        traced_subjects = 0

        def trace() -> bool:
            nonlocal traced_subjects
            status, data = request(
                PORT, "GET", f"/api/allocation/traceability/batches/{batch}", headers
            )
            traced_subjects = len(json.loads(data)["subjects"])
            return status == 200

        def trace_back() -> bool:
            return request(PORT, "GET", path, headers)[0] == 200

        def read_study() -> bool:
            return request(PORT, "GET", f"/api/studies/{study}", auth)[0] == 200

        batch_timings = _timed(args.requests, trace)
        back_timings = _timed(args.requests, trace_back)
        read_timings = _timed(args.requests, read_study)

    emit(
        {
            "subjects_traced": traced_subjects,
            "adverse_events_per_subject": 2,
            "batch_trace_p50_ms": percentile_ms(batch_timings, 0.5),
            "batch_trace_p99_ms": percentile_ms(batch_timings, 0.99),
            "subject_trace_p50_ms": percentile_ms(back_timings, 0.5),
            "study_read_p50_ms": percentile_ms(read_timings, 0.5),
            "study_read_p99_ms": percentile_ms(read_timings, 0.99),
            "batch_trace_to_read_p50": round(
                percentile_ms(batch_timings, 0.5) / percentile_ms(read_timings, 0.5), 1
            ),
            "subjects_in_study": args.subjects * len(ARMS),
            "requests": args.requests,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
