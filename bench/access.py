"""Access control's cost, over HTTP on loopback, both servers under gunicorn with the same
settings in the same run:

1. Throughput and latencies of an authenticated (bearer token), study-scoped (the study in
   the URL, membership checked), permission-checked GET /api/studies/{uuid}, against a bare
   Flask endpoint doing one primary-key SELECT with psycopg2 on the same row
   (bench/bare_app.py). The load comes from wrk (one thread, keep-alive connections), so the
   load generator is not what caps the floor; the two servers are measured in alternating
   rounds, so drift on a shared machine hits both.
2. Login latency (p50, p99) with the production argon2id parameters.

    python bench/access.py [--seconds 8] [--rounds 3] [--connections 8] [--logins 40]
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
    ensure_wrk,
    login,
    percentile_ms,
    request,
    run_wrk,
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


def summary(rounds: list[dict[str, float]]) -> dict[str, object]:
    """The mean rate, the median latencies and every round's rate."""
    return {
        "requests_per_second": round(statistics.mean(r["requests_per_second"] for r in rounds), 1),
        "rounds": [round(r["requests_per_second"], 1) for r in rounds],
        **{
            key: statistics.median(r[key] for r in rounds) for key in ("p50_ms", "p90_ms", "p99_ms")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    ensure_wrk()
    url = bench_database_url()
    study_uuid, study_id = prepare(url)
    with serving(bench_env(url, "bench_access"), ("wsgi:app", 5801), ("bare_app:app", 5802)):
        timings = []
        for _ in range(args.logins):
            auth, elapsed = login(5801, TENANT_HOST, "admin@access.bench")
            timings.append(elapsed)
        platform_path, bare_path = f"/api/studies/{study_uuid}", f"/studies/{study_id}"
        # One untimed call each: both answer, and the workers have imported everything.
        assert request(5801, "GET", platform_path, auth)[0] == 200
        assert request(5802, "GET", bare_path, {})[0] == 200

        platform, bare = [], []
        for _ in range(args.rounds):
            platform.append(run_wrk(5801, platform_path, auth, args.seconds, args.connections))
            bare.append(run_wrk(5802, bare_path, {}, args.seconds, args.connections))

    from datacapt.identity.passwords import PRODUCTION_HASHER as hasher

    platform_figures, bare_figures = summary(platform), summary(bare)
    emit(
        {
            "platform": platform_figures,
            "bare": bare_figures,
            "throughput_ratio": round(
                platform_figures["requests_per_second"] / bare_figures["requests_per_second"], 3
            ),
            "login_p50_ms": percentile_ms(timings, 0.5),
            "login_p99_ms": percentile_ms(timings, 0.99),
            "argon2": {
                "type": "id",
                "time_cost": hasher.time_cost,
                "memory_kib": hasher.memory_cost,
                "parallelism": hasher.parallelism,
            },
            "load_generator": f"wrk -t1 -c{args.connections}",
            "rounds": args.rounds,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
