"""The study-wide query list with 50,000 queries, over HTTP on loopback under gunicorn:
first page p50 and p99 of sequential requests, unfiltered and with each filter (and a
combination), for a member who sees every center and for an investigator limited to
one, and the counts, against the study's read (GET /api/studies/<uuid>) measured in the
same run.

The queries (of every target, origin, level and state, opened over a year) are inserted
with one multi-row INSERT per batch, not through the API: setting them up is not what is
measured.

    python bench/monitoring_queries.py [--queries 50000] [--subjects 2000] [--requests 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
import uuid
from urllib.parse import urlencode

from _support import (
    BENCH_PASSWORD,
    add_admin_and_study,
    bench_app,
    bench_database_url,
    bench_env,
    emit,
    login,
    percentile_ms,
    request,
    serving,
)

SCHEMA = "bench_monitoring"
TENANT_HOST = "monitoring.bench"
PORT = 5821
CODES = [f"q{index:02d}" for index in range(10)]
DESIGN = {
    "sections": [
        {
            "title": {"en": title},
            "subsections": [
                {
                    "title": {"en": "Measures"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": code,
                            "type": "integer",
                            "label": {"en": code},
                        }
                        for code in codes
                    ],
                }
            ],
        }
        for title, codes in (("Screening", CODES[:5]), ("Week 4", CODES[5:]))
    ]
}
# Roughly how a long-running study's queries stand.
STATUSES = ["open"] * 4 + ["answered"] * 2 + ["closed"] * 3 + ["cancelled", "draft"]
LEVELS = ["information", "warning", "warning", "exclusion"]


def _queries(count: int, study_id: int, participations: list, sections: list, seed: int):
    """``count`` query rows spread over the subjects, targets, levels, states and a year."""
    chance = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    for _ in range(count):
        participation = chance.choice(participations)
        status = chance.choice(STATUSES)
        created = now - dt.timedelta(minutes=chance.randrange(365 * 24 * 60))
        kind = chance.choices(["data_point", "section", "subject"], [8, 1, 1])[0]
        automatic = kind == "data_point" and chance.random() < 0.5
        yield {
            "uuid": uuid.uuid4(),
            "created_at": created,
            "modified_at": created,
            "study_id": study_id,
            "subject_in_study_id": participation.id,
            "center_id": participation.center_id,
            "target": kind,
            "code": chance.choice(CODES) if kind == "data_point" else None,
            "section_uuid": chance.choice(sections) if kind == "section" else None,
            "origin": "automatic" if automatic else "manual",
            "level": chance.choice(LEVELS),
            "message": "Please check against the source document.",
            "status": "open" if automatic and status == "draft" else status,
            "assignee_role": "investigator",
            "assignee_center_id": participation.center_id,
            "closed_modified": status == "closed" and chance.random() < 0.1,
            "closed_automatically": automatic and status == "closed",
            "opened_at": None if status == "draft" and not automatic else created,
            "closed_at": created if status in ("closed", "cancelled") else None,
        }


def prepare(url: str, queries: int, subjects: int) -> dict[str, str]:
    """A tenant with monitoring (and what it requires), an administrator, a study with two
    centers, the design, ``subjects`` subjects, an investigator seeing PAR only, and
    ``queries`` queries; returns the uuids the filters name."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.identity.services import create_user, get_role
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.models import StudyUser, study_user_centers
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import DataQuery
    from plugins.ecrf.services import save_design
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Monitoring bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "monitoring", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@monitoring.bench", "MONITORED")
            centers = [create_center(code, code, "FR") for code in ("PAR", "LYO")]
            for center in centers:
                add_study_center(study, center.uuid)
            design = save_design(study, DESIGN)
            sections = [section["uuid"] for section in design["sections"]]
            participations = [
                add_subject(study, centers[index % 2].uuid, {}) for index in range(subjects)
            ]
            investigator = create_user(
                "investigator@monitoring.bench",
                "Bench",
                "Investigator",
                get_role("investigator"),
                BENCH_PASSWORD,
            )
            member = StudyUser(
                study_id=study.id,
                user_id=investigator.id,
                role_id=get_role("investigator").id,
                all_centers=False,
            )
            db.session.add(member)
            db.session.flush()
            db.session.execute(
                study_user_centers.insert().values(study_user_id=member.id, center_id=centers[0].id)
            )
            rows = list(_queries(queries, study.id, participations, sections, seed=13))
            started = time.perf_counter()
            for start in range(0, len(rows), 5000):
                db.session.execute(sa.insert(DataQuery), rows[start : start + 5000])
            db.session.commit()
            print(f"inserted {queries} queries in {time.perf_counter() - started:.1f} s")
            named = {
                "study": str(study.uuid),
                "center": str(centers[1].uuid),
                "section": str(sections[1]),
                "subject": str(participations[0].uuid),
            }
        # Statistics and visibility as autovacuum leaves them after such a load.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("ecrf_queries", "subjects_in_studies", "study_centers", "studies"):
                connection.exec_driver_sql(f'VACUUM ANALYZE "{SCHEMA}".{table}')
    return named


def timed(path: str, headers: dict[str, str], times: int) -> list[float]:
    """Seconds of ``times`` sequential GETs of ``path`` (after one untimed)."""
    status, data = request(PORT, "GET", path, headers)
    assert status == 200, (path, data)
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        status, data = request(PORT, "GET", path, headers)
        timings.append(time.perf_counter() - started)
        assert status == 200, (path, data)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=50_000)
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    url = bench_database_url()
    named = prepare(url, args.queries, args.subjects)
    figures: dict[str, object] = {"queries": args.queries, "subjects": args.subjects}
    with serving(bench_env(url, SCHEMA), ("wsgi:app", PORT)):
        admin, _ = login(PORT, TENANT_HOST, "admin@monitoring.bench")
        admin = {**admin, "Study-Uuid": named["study"]}
        investigator, _ = login(PORT, TENANT_HOST, "investigator@monitoring.bench")
        investigator = {**investigator, "Study-Uuid": named["study"]}

        study_read = percentile_ms(
            timed(f"/api/studies/{named['study']}", admin, args.requests), 0.5
        )
        figures["study_read_p50_ms"] = study_read
        cases = {
            "unfiltered": {},
            "status_open": {"status": "open"},
            "level_exclusion": {"level": "exclusion"},
            "question": {"question": "q03"},
            "section": {"section": named["section"]},
            "center": {"center": named["center"]},
            "subject": {"subject": named["subject"]},
            "older_than_90_days": {"older_than_days": 90},
            "open_warnings_at_a_center": {
                "status": "open",
                "level": "warning",
                "center": named["center"],
            },
        }
        first_pages = {}
        for name, filters in cases.items():
            path = f"/api/monitoring/queries/?{urlencode({**filters, 'page_size': 20})}"
            timings = timed(path, admin, args.requests)
            first_pages[name] = percentile_ms(timings, 0.5)
            figures[f"first_page_{name}_p50_ms"] = first_pages[name]
            figures[f"first_page_{name}_p99_ms"] = percentile_ms(timings, 0.99)
        restricted = timed("/api/monitoring/queries/?page_size=20", investigator, args.requests)
        figures["first_page_one_center_investigator_p50_ms"] = percentile_ms(restricted, 0.5)
        for name in ("unfiltered", "open_warnings_at_a_center"):
            path = f"/api/monitoring/queries/counts?{urlencode(cases[name])}"
            figures[f"counts_{name}_p50_ms"] = percentile_ms(timed(path, admin, args.requests), 0.5)
        status, data = request(PORT, "GET", "/api/monitoring/queries/counts", admin)
        assert status == 200, data
        figures["queries_counted"] = json.loads(data)["total"]
        figures["first_page_unfiltered_vs_study_read"] = round(
            first_pages["unfiltered"] / max(study_read, 0.1), 2
        )
        figures["slowest_filtered_first_page_vs_study_read"] = round(
            max(first_pages.values()) / max(study_read, 0.1), 2
        )
    emit(figures)


if __name__ == "__main__":
    main()
