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
import json
import os
import statistics
import threading
import time
from pathlib import Path

from _support import (
    BENCH_PASSWORD,
    ROOT,
    add_admin_and_study,
    bench_app,
    bench_database_url,
    emit,
    request,
    serve,
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


def throughput(
    port: int, path: str, headers: dict[str, str], seconds: float, clients: int
) -> float:
    """Requests per second answered 200 by ``clients`` threads during ``seconds``."""
    status, _ = request(port, "GET", path, headers)
    assert status == 200, status
    counts = [0] * clients
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            status, _ = request(port, "GET", path, headers)
            counts[index] += status == 200

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    url = bench_database_url()
    study_uuid, study_id = prepare(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "BENCH_SCHEMA": "bench_access",
        "LOG_LEVEL": "WARNING",
        "DATACAPT_ENV": "development",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
    }
    platform = serve("wsgi:app", 5801, env)
    bare = serve("bare_app:app", 5802, env, probe="/health")
    try:
        login_headers = {"Host": TENANT_HOST, "Content-Type": "application/json"}
        body = json.dumps({"email": "admin@access.bench", "password": BENCH_PASSWORD}).encode()
        timings = []
        for _ in range(args.logins):
            started = time.perf_counter()
            status, data = request(5801, "POST", "/api/auth/login", login_headers, body)
            timings.append(time.perf_counter() - started)
            assert status == 200, data
        token = json.loads(data)["token"]
        auth = {"Host": TENANT_HOST, "Authorization": f"Bearer {token}"}
        platform_rates, bare_rates = [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            platform_rates.append(
                throughput(5801, f"/api/studies/{study_uuid}", auth, args.seconds, args.clients)
            )
            bare_rates.append(
                throughput(5802, f"/studies/{study_id}", {}, args.seconds, args.clients)
            )
    finally:
        platform.terminate()
        bare.terminate()
        platform.wait()
        bare.wait()
    timings.sort()
    from datacapt.identity.passwords import PRODUCTION_HASHER as hasher

    emit(
        {
            "platform_requests_per_second": round(statistics.mean(platform_rates), 1),
            "bare_requests_per_second": round(statistics.mean(bare_rates), 1),
            "throughput_ratio": round(
                statistics.mean(platform_rates) / statistics.mean(bare_rates), 3
            ),
            "login_p50_ms": round(timings[len(timings) // 2] * 1000, 1),
            "login_p99_ms": round(
                timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, 1
            ),
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
