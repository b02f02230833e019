"""Searching the volunteer panel, in process (the app's test client), on a panel of
``--volunteers`` (200,000 by default) bulk-inserted in SQL (not through the API): a filter
on three profile answers (skin type, phototype among two values, an allergy) and a study's
wash-out rule (no participation in a study of its category within 30 days, at most two
studies in 365 days).

1. The first page (50) of the search: p50 of sequential requests.
2. The count the filter gives: p50 of sequential requests.
3. The baseline, measured in the same run on the same database: a plain
   ``SELECT ... FROM panel_volunteers LIMIT 50`` and ``SELECT count(*)`` of the panel.

    python bench/subject_repository.py [--volunteers 200000] [--reads 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit

SCHEMA, HOST = "bench_panel", "panel.bench"
SPEC: dict[str, Any] = {
    "profile": [
        {"question": "skin_type", "op": "eq", "value": "dry"},
        {"question": "phototype", "op": "in", "value": [2, 3]},
        {"question": "allergies", "op": "has", "value": "none"},
    ]
}

# One statement per table: each volunteer's answers derive from their id, a tenth took
# part in a study of the same category, one in seven in two other studies.
FILL = [
    """INSERT INTO subjects (uuid, created_at, modified_at)
       SELECT gen_random_uuid(), now(), now() FROM generate_series(1, :count)""",
    """INSERT INTO panel_volunteers (uuid, created_at, modified_at, subject_id, source,
           status, profile, last_activity_at)
       SELECT gen_random_uuid(), now(), now(), id, 'bench', 'active',
           jsonb_build_object(
               'skin_type', (ARRAY['dry', 'normal', 'oily', 'combination'])[1 + id % 4],
               'phototype', 1 + (id / 4) % 6,
               'allergies', CASE WHEN id % 3 = 0 THEN '["nickel"]'::jsonb
                                 ELSE '["none"]'::jsonb END,
               'availability', '["mornings"]'::jsonb),
           now()
       FROM subjects""",
    """INSERT INTO panel_consents (uuid, created_at, modified_at, volunteer_id, purpose,
           given_at)
       SELECT gen_random_uuid(), now(), now(), id, 'contact_for_studies', now()
       FROM panel_volunteers WHERE id % 10 < 7""",
    """INSERT INTO subjects_in_studies (uuid, created_at, modified_at, study_id, subject_id,
           center_id, study_subject_id, status)
       SELECT gen_random_uuid(), now() - interval '60 days', now() - interval '10 days',
           :same, id, :center, 'S' || id, 'completed'
       FROM subjects WHERE id % 10 = 1""",
    """INSERT INTO subjects_in_studies (uuid, created_at, modified_at, study_id, subject_id,
           center_id, study_subject_id, status)
       SELECT gen_random_uuid(), now() - interval '200 days', now() - interval '100 days',
           study, id, :center, 'S' || id, 'completed'
       FROM subjects, unnest(ARRAY[:other, :third]) AS study WHERE id % 7 = 2""",
]


def prepare(url: str, volunteers: int):
    """The tenant, its panel's profile questions, three studies with categories and the
    volunteers (not timed)."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.plugins.study_settings import update_study_settings
    from datacapt.studies.models import Study
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.subject_repository.demo import PROFILE_BLOCKS
    from plugins.subject_repository.panel import save_profile_form

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Panel bench", [HOST])
        enable_plugin(SCHEMA, "subject_repository", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            target = add_admin_and_study(f"admin@{HOST}", "TARGET")
            center = create_center("PAR", "Paris", "FR")
            studies = {"TARGET": target}
            for reference in ("SAME", "OTHER", "THIRD"):
                study = Study(reference=reference, name=reference, status="draft")
                db.session.add(study)
                studies[reference] = study
            db.session.flush()
            study_center = add_study_center(target, center.uuid)
            for reference, category in (("TARGET", "sun"), ("SAME", "sun"), ("OTHER", "hair")):
                rules = {"category": category}
                if reference == "TARGET":
                    rules |= {"washout_days": 30, "max_studies_per_year": 2}
                update_study_settings("subject_repository", studies[reference], rules)
            save_profile_form(PROFILE_BLOCKS)
            target_uuid = str(target.uuid)
            ids = {
                "count": volunteers,
                "same": studies["SAME"].id,
                "other": studies["OTHER"].id,
                "third": studies["THIRD"].id,
                "center": study_center.id,
            }
            # Raw SQL names no schema: the tenant's, for this transaction.
            search_path = sa.text(f"SET LOCAL search_path TO {SCHEMA}, public")
            db.session.execute(search_path)
            for statement in FILL:
                db.session.execute(sa.text(statement), ids)
            db.session.commit()
            db.session.execute(search_path)
            for table in ("subjects", "panel_volunteers", "panel_consents", "subjects_in_studies"):
                db.session.execute(sa.text(f"ANALYZE {table}"))
            db.session.commit()
    return app, target_uuid


def _timed(call, reads: int) -> tuple[float, Any]:
    timings, answer = [], None
    for _ in range(reads):
        started = time.perf_counter()
        answer = call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), answer


def _baseline(app, reads: int) -> tuple[float, float]:
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context

    with app.app_context(), tenant_context(SCHEMA):
        db.session.execute(sa.text(f"SET LOCAL search_path TO {SCHEMA}, public"))
        page, _ = _timed(
            lambda: db.session.execute(
                sa.text("SELECT * FROM panel_volunteers ORDER BY id LIMIT 50")
            ).all(),
            reads,
        )
        count, _ = _timed(
            lambda: db.session.execute(sa.text("SELECT count(*) FROM panel_volunteers")).scalar(),
            reads,
        )
        db.session.rollback()
    return page, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volunteers", type=int, default=200_000)
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()

    app, target = prepare(bench_database_url(), args.volunteers)
    client = app.test_client()
    login = client.post(
        "/api/auth/login",
        json={"email": f"admin@{HOST}", "password": BENCH_PASSWORD},
        headers={"Host": HOST},
    )
    headers = {"Host": HOST, "Authorization": f"Bearer {login.json['token']}"}
    body = {"spec": {**SPEC, "eligible_for": target}}
    base = "/api/subject-repository/volunteers"

    def page():
        answer = client.post(
            f"{base}/search", json=body, headers=headers, query_string={"page_size": 50}
        )
        assert answer.status_code == 200, answer.json
        return answer.json

    def count():
        answer = client.post(f"{base}/count", json=body, headers=headers)
        assert answer.status_code == 200, answer.json
        return answer.json["count"]

    page_p50, first = _timed(page, args.reads)
    count_p50, matched = _timed(count, args.reads)
    assert len(first) == 50 and all(v["profile"]["skin_type"] == "dry" for v in first)
    plain_page, plain_count = _baseline(app, args.reads)
    emit(
        {
            "volunteers": args.volunteers,
            "matching": matched,
            "first_page_p50_ms": round(page_p50 * 1000, 1),
            "count_p50_ms": round(count_p50 * 1000, 1),
            "plain_limit_50_p50_ms": round(plain_page * 1000, 2),
            "plain_count_p50_ms": round(plain_count * 1000, 2),
            "first_page_over_plain": round(page_p50 / plain_page, 1),
            "count_over_plain_count": round(count_p50 / plain_count, 1),
        }
    )


if __name__ == "__main__":
    main()
