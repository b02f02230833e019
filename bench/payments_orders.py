"""What paying participants costs data entry, in process (the app's test client), in one
run on two tenants with the same study (two sections of 20 required questions, a visit
each) and ``--subjects`` included subjects:

1. The save that completes a visit (every answer given, PUT with If-Match): in a tenant
   with payments and an approved per-visit plan (the save places the visit's order and
   its travel line) against a tenant without payments. p50 of each, and their ratio.
2. The study's payments overview (totals by status and visit, budget), once every
   subject's visit is paid for: p50 of sequential requests.

    python bench/payments_orders.py [--subjects 300] [--reads 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit
from ecrf import DESIGN, answers

TENANTS = {"payments": ("bench_paid", "paid.bench"), "baseline": ("bench_unpaid", "unpaid.bench")}


def prepare(url: str, subjects: int):
    """Both tenants, each with its study, design, a center and ``subjects`` included
    subjects (made directly: the setup is not timed); payments in one of them."""
    import datetime as dt

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.services import save_design
    from plugins.subjects.models import SubjectStatus
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        for name, (schema, host) in TENANTS.items():
            create_tenant(schema, f"Payments bench {name}", [host])
            enable_plugin(
                schema, "payments" if name == "payments" else "ecrf", "bench", with_deps=True
            )
            with tenant_context(schema):
                study = add_admin_and_study(f"admin@{host}", "PAID")
                center = create_center("PAR", "Paris", "FR")
                add_study_center(study, center.uuid)
                save_design(study, DESIGN)
                for _ in range(subjects):
                    participation = add_subject(study, center.uuid, {})
                    participation.status = SubjectStatus.INCLUDED
                    participation.inclusion_date = dt.date(2026, 11, 2)
                db.session.commit()
    return app


def _headers(client, host: str) -> dict[str, str]:
    login = client.post(
        "/api/auth/login",
        json={"email": f"admin@{host}", "password": BENCH_PASSWORD},
        headers={"Host": host},
    )
    auth = {"Host": host, "Authorization": f"Bearer {login.json['token']}"}
    study = client.get("/api/studies/", headers=auth).json[0]["uuid"]
    return {**auth, "Study-Uuid": study}


def _approved_plan(client, headers: dict[str, str], section: str) -> None:
    visits = [{"section": section, "amount": "50.00", "travel": "12.30"}]
    plan = client.post(
        "/api/payments/plans/",
        json={
            "code": "VISITS",
            "name": "Visits",
            "version": {
                "kind": "per_visit",
                "currency": "EUR",
                "terms": {"visits": visits, "completion_bonus": None},
            },
        },
        headers=headers,
    )
    assert plan.status_code == 201, plan.json
    version = f"/api/payments/plans/{plan.json['uuid']}/versions/1"
    etag = client.get(version, headers=headers).headers["ETag"]
    approved = client.post(
        f"{version}/approval",
        json={"approval_reference": "CPP-2026", "approval_date": "2026-11-02"},
        headers={**headers, "If-Match": etag},
    )
    assert approved.status_code == 200, approved.json


def _complete_visits(client, headers: dict[str, str], section: str) -> list[float]:
    """Save the section whole for every subject: the seconds of each save."""
    subjects = client.get("/api/subjects/", headers=headers, query_string={"page_size": 100})
    pages = json.loads(subjects.headers["X-Pagination"])["total_pages"]
    uuids = [subject["uuid"] for subject in subjects.json]
    for page in range(2, pages + 1):
        more = client.get(
            "/api/subjects/", headers=headers, query_string={"page_size": 100, "page": page}
        )
        uuids += [subject["uuid"] for subject in more.json]
    timings = []
    for subject in uuids:
        url = f"/api/ecrf/subjects/{subject}/sections/{section}"
        etag = client.get(url, headers=headers).headers["ETag"]
        started = time.perf_counter()
        saved = client.put(url, json={"answers": answers(1)}, headers={**headers, "If-Match": etag})
        timings.append(time.perf_counter() - started)
        assert saved.status_code == 200, saved.json
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--reads", type=int, default=30)
    args = parser.parse_args()

    app = prepare(bench_database_url(), args.subjects)
    client = app.test_client()
    saves = {}
    for name, (_schema, host) in TENANTS.items():
        headers = _headers(client, host)
        section = client.get("/api/ecrf/", headers=headers).json["sections"][0]["uuid"]
        if name == "payments":
            _approved_plan(client, headers, section)
            paid_headers = headers
        saves[name] = _complete_visits(client, headers, section)
    reads = []
    for _ in range(args.reads):
        started = time.perf_counter()
        overview = client.get("/api/payments/overview", headers=paid_headers)
        reads.append(time.perf_counter() - started)
    assert overview.json["totals"][0]["count"] == 2 * args.subjects, overview.json
    paid, baseline = statistics.median(saves["payments"]), statistics.median(saves["baseline"])
    emit(
        {
            "subjects": args.subjects,
            "orders": 2 * args.subjects,
            "completing_save_with_payments_p50_ms": round(paid * 1000, 1),
            "completing_save_without_payments_p50_ms": round(baseline * 1000, 1),
            "with_over_without": round(paid / baseline, 2),
            "overview_p50_ms": round(statistics.median(reads) * 1000, 1),
        }
    )


if __name__ == "__main__":
    main()
