"""The study's subject list with each subject's progress (GET /api/ecrf/subjects/), over
HTTP on loopback, against a bare Flask endpoint selecting 50 subject rows in primary-key
order with psycopg2 (bench/bare_app.py), both under gunicorn in the same run.

One tenant holds two studies of two sections each, one of 5,000 and one of 100,000
subjects (``--sizes``), loaded set-based, every subject with progress in both sections,
then vacuumed and analysed as autovacuum does after a bulk load. Sequential requests of
the first page (50) and of the last one, alternating with the baseline so drift on a
shared machine hits both.

    python bench/subject_list.py [--sizes 5000,100000] [--pages 60] [--no-analyze]

On the embedded server unless BENCH_DATABASE_URL names another.
"""

from __future__ import annotations

import argparse
import json
import time

from _support import (
    BENCH_PASSWORD,
    bench_app,
    bench_database_url,
    bench_env,
    emit,
    login,
    percentile_ms,
    request,
    serving,
)

SCHEMA = "bench_subject_list"
TENANT_HOST = "subject-list.bench"
ADMIN = "admin@subject-list.bench"
PAGE_SIZE = 50
QUESTIONS = 20

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
                            "code": f"q{offset + index:02d}",
                            "type": "short_text",
                            "label": {"en": f"Question {offset + index}"},
                            "required": True,
                        }
                        for index in range(QUESTIONS)
                    ],
                }
            ],
        }
        for title, offset in (("Screening", 0), ("Week 4", QUESTIONS))
    ]
}


def _load_subjects(study_id: int, center_id: int, count: int) -> None:
    """``count`` subjects in the study, each with progress in every section, in three
    set-based statements."""
    from datacapt.database import db

    db.session.execute(
        db.text(
            f'WITH people AS (INSERT INTO "{SCHEMA}".subjects (uuid, created_at, modified_at)'
            " SELECT gen_random_uuid(), now(), now() FROM generate_series(1, :count) RETURNING id)"
            f' INSERT INTO "{SCHEMA}".subjects_in_studies'
            " (uuid, created_at, modified_at, subject_id, study_id, center_id,"
            " study_subject_id, status)"
            " SELECT gen_random_uuid(), now(), now(), id, :study_id, :center_id,"
            " 'PAR-' || lpad((row_number() OVER (ORDER BY id))::text, 6, '0'), 'screening'"
            " FROM people"
        ),
        {"count": count, "study_id": study_id, "center_id": center_id},
    )
    db.session.execute(
        db.text(
            f'INSERT INTO "{SCHEMA}".ecrf_section_states'
            " (subject_in_study_id, section_id, instance, version, required, answered)"
            " SELECT participation.id, section.id, '', 1, :questions,"
            " participation.id * 7 % (:questions + 1)"
            f' FROM "{SCHEMA}".subjects_in_studies participation'
            f' JOIN "{SCHEMA}".ecrf_sections section ON true'
            f' JOIN "{SCHEMA}".ecrfs ecrf ON ecrf.id = section.ecrf_id'
            " AND ecrf.study_id = participation.study_id"
            " WHERE participation.study_id = :study_id"
        ),
        {"study_id": study_id, "questions": QUESTIONS},
    )


def prepare(url: str, sizes: list[int], analyze: bool) -> dict[int, int]:
    """The tenant, an administrator member of one study per size, each with the design, a
    center and its subjects; returns {size: study id}."""
    from datacapt.database import db
    from datacapt.identity.services import create_user, get_role
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.models import Study, StudyUser
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.services import save_design

    app = bench_app(url)
    studies = {}
    with app.app_context():
        create_tenant(SCHEMA, "Subject list bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "ecrf", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            center = create_center("PAR", "Paris", "FR")
            admin = get_role("administrator")
            user = create_user(ADMIN, "Bench", "Admin", admin, BENCH_PASSWORD)
            for size in sizes:
                study = Study(reference=f"S{size}", name=f"{size} subjects", status="draft")
                db.session.add(study)
                db.session.flush()
                db.session.add(
                    StudyUser(
                        study_id=study.id, user_id=user.id, role_id=admin.id, all_centers=True
                    )
                )
                add_study_center(study, center.uuid)
                save_design(study, DESIGN)
                # Committed first: the progress refresh a design change starts after its
                # commit then finds no subject to refresh one by one.
                db.session.commit()
                _load_subjects(study.id, center.id, size)
                db.session.commit()
                studies[size] = study.id
        if analyze:
            # What autovacuum does some time after a bulk load (statistics, visibility
            # map), done at once so that every run reads the same state.
            with db.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                for table in ("subjects", "subjects_in_studies", "ecrf_section_states"):
                    connection.execute(db.text(f'VACUUM ANALYZE "{SCHEMA}"."{table}"'))
    return studies


def _time(port: int, path: str, headers: dict[str, str], rows: int) -> float:
    started = time.perf_counter()
    status, data = request(port, "GET", path, headers)
    elapsed = time.perf_counter() - started
    assert status == 200 and len(json.loads(data)) == rows, data
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,100000")
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument(
        "--no-analyze", action="store_true", help="read right after the load, before VACUUM ANALYZE"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    url = bench_database_url()
    studies = prepare(url, sizes, not args.no_analyze)
    figures: dict[str, float] = {}
    with serving(bench_env(url, SCHEMA), ("wsgi:app", 5821), ("bare_app:app", 5822)):
        auth, _ = login(5821, TENANT_HOST, ADMIN)
        status, data = request(5821, "GET", "/api/studies/?page_size=100", auth)
        assert status == 200, data
        uuids = {row["reference"]: row["uuid"] for row in json.loads(data)}
        for size in sizes:
            headers = {**auth, "Study-Uuid": uuids[f"S{size}"]}
            last = -(-size // PAGE_SIZE)
            first_path = f"/api/ecrf/subjects/?page=1&page_size={PAGE_SIZE}"
            last_path = f"/api/ecrf/subjects/?page={last}&page_size={PAGE_SIZE}"
            bare_path = f"/subjects/{studies[size]}"
            last_rows = size - (last - 1) * PAGE_SIZE
            for path, rows in ((first_path, PAGE_SIZE), (last_path, last_rows)):
                _time(5821, path, headers, rows)  # warm-up: caches, connections
            _time(5822, bare_path, {}, PAGE_SIZE)
            first, last_page, bare = [], [], []
            for _ in range(args.pages):
                first.append(_time(5821, first_path, headers, PAGE_SIZE))
                bare.append(_time(5822, bare_path, {}, PAGE_SIZE))
                last_page.append(_time(5821, last_path, headers, last_rows))
            figures |= {
                f"first_page_p50_ms_{size}": percentile_ms(first, 0.5),
                f"first_page_p99_ms_{size}": percentile_ms(first, 0.99),
                f"last_page_p50_ms_{size}": percentile_ms(last_page, 0.5),
                f"last_page_p99_ms_{size}": percentile_ms(last_page, 0.99),
                f"bare_select_p50_ms_{size}": percentile_ms(bare, 0.5),
                f"bare_select_p99_ms_{size}": percentile_ms(bare, 0.99),
                f"first_page_p50_ratio_to_bare_{size}": round(
                    percentile_ms(first, 0.5) / percentile_ms(bare, 0.5), 2
                ),
            }
    emit(
        {
            **figures,
            "analyzed": not args.no_analyze,
            "page_size": PAGE_SIZE,
            "pages": args.pages,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
