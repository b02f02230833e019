"""The analytics dashboards read for a study of ``--subjects`` subjects (default 5,000) at
four centers, in process (the app's test client), one request at a time:

1. Each dashboard's figures (enrollment per month over two years, visit completion over
   five sections, query ageing over one query per subject) and the enrollment chart:
   p50 and p99 milliseconds over ``--reads`` reads.
2. The baseline, measured in the same run: the study's own read (``GET
   /api/studies/<uuid>``), the lightest read of the same study.

    python bench/analytics.py [--subjects 5000] [--reads 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from _support import (
    BENCH_PASSWORD,
    add_admin_and_study,
    bench_app,
    bench_database_url,
    emit,
    percentile_ms,
)

SCHEMA = "bench_analytics"
TENANT_HOST = "analytics.bench"
SECTIONS = 5
CENTERS = ("BOR", "LYO", "MRS", "PAR")


def _section(index: int) -> dict:
    block = {"kind": "question", "code": f"v{index}", "type": "yes_no", "label": {"en": "Done"}}
    return {
        "title": {"en": f"Visit {index}"},
        "subsections": [{"title": {"en": "Visit"}, "blocks": [{**block, "required": True}]}],
    }


def prepare(url: str, subjects: int):
    """A tenant with analytics, a study of four centers with targets, a design of five
    sections, ``subjects`` subjects included over two years with their section counters,
    and one waiting query each (inserted directly: the setup is not timed)."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.database.mixins import utcnow
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.analytics.targets.models import EnrollmentTarget
    from plugins.ecrf.models import DataQuery, Section, SectionState
    from plugins.ecrf.services import ecrf_of, save_design
    from plugins.subjects.models import Subject, SubjectInStudy

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Analytics bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "analytics", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@analytics.bench", "DASH")
            centers = []
            for code in CENTERS:
                center = create_center(code, code, "FR")
                add_study_center(study, center.uuid)
                centers.append(center.id)
            save_design(study, {"sections": [_section(i) for i in range(SECTIONS)]})
            sections = db.session.scalars(
                sa.select(Section.id).where(Section.ecrf_id == ecrf_of(study).id)
            ).all()
            db.session.add(EnrollmentTarget(study_id=study.id, subjects=subjects))
            db.session.add_all(
                EnrollmentTarget(study_id=study.id, center_id=c, subjects=subjects // 4)
                for c in centers
            )
            people = db.session.scalars(
                sa.insert(Subject).returning(Subject.id), [{} for _ in range(subjects)]
            ).all()
            first = dt.date.today() - dt.timedelta(days=730)
            rows = [
                {
                    "study_id": study.id,
                    "subject_id": person,
                    "center_id": centers[index % len(centers)],
                    "study_subject_id": f"S{index:06d}",
                    "status": "included" if index % 10 else "excluded",
                    "inclusion_date": first + dt.timedelta(days=index * 730 // subjects)
                    if index % 10
                    else None,
                }
                for index, person in enumerate(people)
            ]
            participations = db.session.scalars(
                sa.insert(SubjectInStudy).returning(SubjectInStudy.id), rows
            ).all()
            db.session.execute(
                sa.insert(SectionState),
                [
                    {
                        "subject_in_study_id": participation,
                        "section_id": section,
                        "version": (index + position) % 3,
                        "required": 1,
                        "answered": (index + position) % 2,
                    }
                    for index, participation in enumerate(participations)
                    for position, section in enumerate(sections)
                ],
            )
            now = utcnow()
            db.session.execute(
                sa.insert(DataQuery),
                [
                    {
                        "study_id": study.id,
                        "subject_in_study_id": participation,
                        "center_id": rows[index]["center_id"],
                        "code": "v0",
                        "level": "warning",
                        "message": "Check",
                        "status": ("open", "answered", "closed")[index % 3],
                        "opened_at": now - dt.timedelta(days=index % 150),
                    }
                    for index, participation in enumerate(participations)
                ],
            )
            db.session.commit()
            study_uuid = str(study.uuid)
        # Statistics as autovacuum keeps them on a live database (bulk inserts have none).
        for table in ("subjects_in_studies", "ecrf_section_states", "ecrf_queries"):
            db.session.execute(sa.text(f'ANALYZE "{SCHEMA}".{table}'))
        db.session.commit()
    return app, study_uuid


def timings(client, path: str, headers: dict[str, str], reads: int) -> list[float]:
    answer = client.get(path, headers=headers)  # warm: the compiled design, the plans
    assert answer.status_code == 200, (path, answer.status_code)
    spent = []
    for _ in range(reads):
        started = time.perf_counter()
        answer = client.get(path, headers=headers)
        spent.append(time.perf_counter() - started)
        assert answer.status_code == 200
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=5000)
    parser.add_argument("--reads", type=int, default=40)
    args = parser.parse_args()

    app, study = prepare(bench_database_url(), args.subjects)
    client = app.test_client()
    host = {"Host": TENANT_HOST}
    login = client.post(
        "/api/auth/login",
        json={"email": "admin@analytics.bench", "password": BENCH_PASSWORD},
        headers=host,
    )
    headers = {**host, "Authorization": f"Bearer {login.json['token']}", "Study-Uuid": study}
    enrollment = client.get("/api/analytics/enrollment", headers=headers).json
    assert enrollment["study"]["enrolled"] == args.subjects - (args.subjects + 9) // 10

    figures: dict[str, float | int] = {"subjects": args.subjects, "reads": args.reads}
    paths = {
        "study_read": f"/api/studies/{study}",
        "enrollment": "/api/analytics/enrollment",
        "enrollment_weekly": "/api/analytics/enrollment?interval=week",
        "enrollment_svg": "/api/analytics/enrollment.svg",
        "visits": "/api/analytics/visits",
        "queries": "/api/analytics/queries",
    }
    for name, path in paths.items():
        spent = timings(client, path, headers, args.reads)
        figures[f"{name}_p50_ms"] = percentile_ms(spent, 0.5)
        figures[f"{name}_p99_ms"] = percentile_ms(spent, 0.99)
    for name in ("enrollment", "visits", "queries"):
        figures[f"{name}_over_study_read_p50"] = round(
            figures[f"{name}_p50_ms"] / figures["study_read_p50_ms"], 1
        )
    emit(figures)


if __name__ == "__main__":
    main()
