"""Dispensing's cost, over HTTP on loopback (gunicorn, 2 workers):

1. The import of an inventory of 100,000 production kits (a CSV file checked whole in
   its request, then written in bulk by its job), in process, and going live over it (its
   check counts every center's stock).
2. Dispensing at concurrent clients, each on randomized subjects of its own (the lowest
   available kit of the arm's kit type at the subject's center, its row taken with SKIP
   LOCKED, the subject's row locked), against randomizing by as many clients in the same
   run (the step before it, on the same subjects): dispensings per second, p50 and p99,
   and randomization's.

    python bench/allocation_dispensing.py [--kits 100000] [--clients 8] [--seconds 8]
                                          [--pool 2000] [--visits 10]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import statistics
import time

from _allocation import build_trial, create_tenant_with_allocation, kits_file
from _support import (
    bench_app,
    bench_database_url,
    bench_env,
    emit,
    login,
    percentile_ms,
    request,
    run_clients,
    serving,
)

SCHEMA = "bench_allocation"
HOST = "allocation.bench"
EMAIL = "admin@allocation.bench"
PORT = 5823


def prepare(url: str, kits: int, pool: int, visits: int) -> tuple[float, float]:
    """The trial with ``pool`` included subjects; returns the seconds the import of
    ``kits`` production kits took to check (its request) and to write (its job)."""
    from sqlalchemy.dialects.postgresql import insert

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context
    from plugins.allocation.kits.imports import import_kits
    from plugins.ecrf.models import Answer
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant_with_allocation(SCHEMA, HOST)
        with tenant_context(SCHEMA):
            trial = build_trial(EMAIL, visits)
            study, centers = trial.study, trial.centers
            participations = [
                add_subject(study, centers[index % len(centers)].uuid, {}) for index in range(pool)
            ]
            for participation in participations:
                participation.status = "included"
                participation.inclusion_date = dt.date.today()
            db.session.execute(
                insert(Answer),
                [
                    {"subject_in_study_id": p.id, "code": "sex", "value": "FM"[index % 2]}
                    for index, p in enumerate(participations)
                ],
            )
            db.session.commit()
            content = kits_file(trial, kits)
            started = time.perf_counter()
            imported = import_kits(study, "production", "kits.csv", content)
            checked = time.perf_counter()
            # Without Redis the job runs here, once the request's transaction commits.
            db.session.commit()
            written = time.perf_counter()
            db.session.refresh(imported)
            assert (imported.rows, imported.status) == (kits, "done"), imported.status
    return round(checked - started, 2), round(written - checked, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kits", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=10)
    args = parser.parse_args()

    url = bench_database_url()
    check_seconds, write_seconds = prepare(url, args.kits, args.pool, args.visits)
    with serving(bench_env(url, SCHEMA), ("wsgi:app", PORT)):
        auth, _ = login(PORT, HOST, EMAIL)
        status, data = request(PORT, "GET", "/api/studies/", auth)
        assert status == 200, data
        headers = {**auth, "Study-Uuid": json.loads(data)[0]["uuid"]}
        json_headers = {**headers, "Content-Type": "application/json"}
        started = time.perf_counter()
        status, data = request(
            PORT, "POST", "/api/allocation/inventories/production/go-live", headers
        )
        go_live_seconds = round(time.perf_counter() - started, 2)
        assert status == 201, data
        status, data = request(PORT, "GET", "/api/randomizations/designs/", headers)
        design = json.loads(data)[0]["uuid"]
        status, data = request(PORT, "GET", "/api/allocation/configuration/?page_size=100", headers)
        visits = sorted({rule["section"] for rule in json.loads(data)})
        subjects: list[str] = []
        page = 1
        while len(subjects) < args.pool:
            status, data = request(
                PORT, "GET", f"/api/subjects/?page={page}&page_size=100", headers
            )
            found = [row["uuid"] for row in json.loads(data)]
            if not found:
                break
            subjects += found
            page += 1
        # Each client randomizes subjects of its own, then dispenses their visits.
        to_randomize = [subjects[i :: args.clients] for i in range(args.clients)]
        to_dispense: list[collections.deque] = [collections.deque() for _ in range(args.clients)]
        randomize_body = json.dumps({"design": design, "environment": "production"}).encode()

        def randomize(index: int, round_number: int) -> bool:
            subject = to_randomize[index].pop()
            path = f"/api/randomizations/subjects/{subject}/randomize"
            done = request(PORT, "POST", path, json_headers, randomize_body)[0] == 201
            to_dispense[index].extend((subject, visit) for visit in visits)
            return done

        def dispense(index: int, round_number: int) -> bool:
            subject, visit = to_dispense[index].popleft()
            body = json.dumps({"section": visit, "environment": "production"}).encode()
            path = f"/api/allocation/subjects/{subject}/dispensings"
            return request(PORT, "POST", path, json_headers, body)[0] == 201

        randomize_rates, randomize_timings, dispense_rates, dispense_timings = [], [], [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            rate, timings = run_clients(args.clients, args.seconds / 2, randomize)
            randomize_rates.append(rate)
            randomize_timings.extend(timings)
            rate, timings = run_clients(args.clients, args.seconds / 2, dispense)
            dispense_rates.append(rate)
            dispense_timings.extend(timings)
        status, data = request(PORT, "GET", "/api/allocation/inventories/", headers)
        production = json.loads(data)["production"]["kits"]

    emit(
        {
            "kits": args.kits,
            "kit_import_check_seconds": check_seconds,
            "kit_import_job_seconds": write_seconds,
            "go_live_seconds": go_live_seconds,
            "dispensings_per_second": round(statistics.mean(dispense_rates), 1),
            "dispense_p50_ms": percentile_ms(dispense_timings, 0.5),
            "dispense_p99_ms": percentile_ms(dispense_timings, 0.99),
            "randomizations_per_second": round(statistics.mean(randomize_rates), 1),
            "randomize_p50_ms": percentile_ms(randomize_timings, 0.5),
            "randomize_p99_ms": percentile_ms(randomize_timings, 0.99),
            "dispense_to_randomize_throughput": round(
                statistics.mean(dispense_rates) / statistics.mean(randomize_rates), 3
            ),
            "kits_dispensed": production.get("dispensed", 0),
            "centers": 4,
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
