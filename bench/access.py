"""Access control's cost, over HTTP on loopback, both servers under gunicorn with the same
settings in the same run:

1. Throughput of an authenticated (bearer token), study-scoped (the study in the URL,
   membership checked), permission-checked GET /api/studies/{uuid}, against a bare Flask
   endpoint doing one primary-key SELECT with psycopg2 on the same row (bench/bare_app.py).
2. Login latency (p50, p99) with the production argon2id parameters.

    python bench/access.py [--seconds 8] [--clients 4] [--logins 40]
"""

from __future__ import annotations

import argparse
import statistics

from _support import (
    add_admin_and_study,
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

TENANT_HOST = "access.bench"


def prepare(url: str) -> tuple[str, int]:
    """A tenant with an administrator and a study; returns (study uuid, study id)."""
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant

    app = bench_app(url)
    with app.app_context():
        create_tenant("bench_access", "Access bench", [TENANT_HOST])
        with tenant_context("bench_access"):
            study = add_admin_and_study("admin@access.bench", "BENCH")
            return str(study.uuid), study.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    url = bench_database_url()
    study_uuid, study_id = prepare(url)
    with serving(bench_env(url, "bench_access"), ("wsgi:app", 5801), ("bare_app:app", 5802)):
        timings = []
        for _ in range(args.logins):
            auth, elapsed = login(5801, TENANT_HOST, "admin@access.bench")
            timings.append(elapsed)

        def platform_get(index: int, round_number: int) -> bool:
            return request(5801, "GET", f"/api/studies/{study_uuid}", auth)[0] == 200

        def bare_get(index: int, round_number: int) -> bool:
            return request(5802, "GET", f"/studies/{study_id}", {})[0] == 200

        platform_rates, bare_rates = [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            platform_rates.append(run_clients(args.clients, args.seconds, platform_get)[0])
            bare_rates.append(run_clients(args.clients, args.seconds, bare_get)[0])

    from datacapt.identity.passwords import PRODUCTION_HASHER as hasher

    emit(
        {
            "platform_requests_per_second": round(statistics.mean(platform_rates), 1),
            "bare_requests_per_second": round(statistics.mean(bare_rates), 1),
            "throughput_ratio": round(
                statistics.mean(platform_rates) / statistics.mean(bare_rates), 3
            ),
            "login_p50_ms": percentile_ms(timings, 0.5),
            "login_p99_ms": percentile_ms(timings, 0.99),
            "argon2": {
                "type": "id",
                "time_cost": hasher.time_cost,
                "memory_kib": hasher.memory_cost,
                "parallelism": hasher.parallelism,
            },
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
