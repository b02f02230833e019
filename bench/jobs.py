"""One worker on trivial jobs, on the Redis of BENCH_REDIS_URL (default: database 14 of the
local Redis): jobs per second with a backlog, and enqueue-to-start latency (p50, p95) at a
steady rate. Latency runs from enqueue() in the caller's transaction to the job's start in
the worker, through commit, outbox and Redis.

    python bench/jobs.py [--jobs 300] [--rate 20] [--no-fork | --jobs-per-horse N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _support import (
    ROOT,
    add_worker_mode_arguments,
    bench_app,
    bench_database_url,
    emit,
    worker_mode,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="jobs per second for latency")
    add_worker_mode_arguments(parser)
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

    import sqlalchemy as sa
    from redis import Redis

    from datacapt.database import db
    from datacapt.jobs import enqueue
    from datacapt.jobs.models import JobRun, OutboxJob
    from datacapt.tenancy.services import create_tenant

    url = bench_database_url()
    Redis.from_url(redis_url).flushdb()
    app = bench_app(url, redis_url=redis_url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
    }
    worker = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"]
    mode_option, mode = worker_mode(args)
    worker.append(mode_option)
    with app.app_context():
        create_tenant("bench_jobs", "Jobs bench", ["jobs.bench"])

        backlog = [enqueue("bench_jobs.noop", tenant="bench_jobs") for _ in range(args.jobs)]
        db.session.commit()
        started = time.perf_counter()
        subprocess.run([*worker, "--burst"], cwd=ROOT, env=env, check=True)
        wall = time.perf_counter() - started
        # Jobs per second while working: from the first start to the last finish (the
        # worker's own start-up, about a second, is left out and reported apart).
        first, last = db.session.execute(
            sa.select(sa.func.min(JobRun.started_at), sa.func.max(JobRun.finished_at)).where(
                JobRun.job_id.in_(backlog)
            )
        ).one()
        throughput = args.jobs / (last - first).total_seconds()

        process = subprocess.Popen(worker, cwd=ROOT, env=env)
        try:
            time.sleep(3)  # the worker is up and idle
            ids = []
            for _ in range(args.jobs // 3):
                ids.append(enqueue("bench_jobs.noop", tenant="bench_jobs"))
                db.session.commit()
                time.sleep(1 / args.rate)
            deadline = time.time() + 60
            while time.time() < deadline:
                done = db.session.execute(
                    sa.select(sa.func.count())
                    .select_from(JobRun)
                    .where(JobRun.job_id.in_(ids), JobRun.status == "succeeded")
                ).scalar_one()
                db.session.rollback()
                if done == len(ids):
                    break
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait()
        delays = sorted(
            (run_started - created).total_seconds()
            for created, run_started in db.session.execute(
                sa.select(OutboxJob.created_at, JobRun.started_at)
                .join(JobRun, JobRun.job_id == OutboxJob.job_id)
                .where(OutboxJob.job_id.in_(ids))
            )
        )
    emit(
        {
            "backlog_jobs": args.jobs,
            "jobs_per_second": round(throughput, 1),
            "burst_wall_seconds_with_startup": round(wall, 2),
            "latency_jobs": len(delays),
            "enqueue_to_start_p50_ms": round(statistics.median(delays) * 1000, 1),
            "enqueue_to_start_p95_ms": round(delays[int(len(delays) * 0.95) - 1] * 1000, 1),
            "worker": f"1 process, {mode}",
        }
    )


if __name__ == "__main__":
    main()
