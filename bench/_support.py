"""Shared helpers for the benchmarks: a private database and JSON output."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, else an embedded server under var/pgdata-bench (emptied first)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    from datacapt.database.embedded import embedded_database_url

    return embedded_database_url(ROOT / "var", "pgdata-bench")


def bench_app(url: str, **settings: Any):
    """An app on the benchmark database, emptied and with the shared schema migrated."""
    from datacapt.app import create_app
    from datacapt.config import Settings
    from datacapt.database import db
    from datacapt.migrating import migrate_shared
    from datacapt.testing.database import reset_database

    app = create_app(Settings(env="development", database_url=url, log_level="WARNING", **settings))
    with app.app_context():
        reset_database(db.engine)
        migrate_shared(db.engine)
    return app


def create_bench_tenants(count: int) -> list[str]:
    """Create ``count`` tenants (inside an app context); returns their schema names."""
    from datacapt.tenancy.services import create_tenant

    schemas = [f"bench_{i:05d}" for i in range(count)]
    for schema in schemas:
        create_tenant(schema, f"Bench {schema}", [f"{schema.replace('_', '-')}.bench"])
    return schemas


BENCH_PASSWORD = "Quiet-Harbour-Lanterns-2026"


def add_admin_and_study(email: str, reference: str):
    """An administrator who is a member of a new draft study (inside a tenant context);
    returns the study."""
    from datacapt.database import db
    from datacapt.identity.services import create_user, get_role
    from datacapt.studies.models import Study, StudyUser

    admin = get_role("administrator")
    user = create_user(email, "Bench", "Admin", admin, BENCH_PASSWORD)
    study = Study(reference=reference, name=f"{reference} bench", status="draft")
    db.session.add(study)
    db.session.flush()
    db.session.add(
        StudyUser(study_id=study.id, user_id=user.id, role_id=admin.id, all_centers=True)
    )
    db.session.commit()
    return study


HOST = "127.0.0.1"


def serve(app_path: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """Start gunicorn (2 sync workers) on loopback; return once /health answers."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            app_path,
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(600):  # a minute: a loaded machine imports the plugins slowly
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=1)
            connection.request("GET", "/health")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app_path} did not start")


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def add_worker_mode_arguments(parser: Any) -> None:
    """--no-fork and --jobs-per-horse: the modes of `flask jobs worker` a bench compares."""
    parser.add_argument("--no-fork", action="store_true", help="jobs run in the worker itself")
    parser.add_argument("--jobs-per-horse", type=int, default=100, help="1: a horse per job")


def worker_mode(args: Any) -> tuple[str, str]:
    """The worker's option for the mode the bench was given, and the mode in words."""
    if args.no_fork:
        return "--no-fork", "jobs run in the worker"
    horse = args.jobs_per_horse
    return f"--jobs-per-horse={horse}", f"a forked work horse per {horse} job(s)"


def bench_env(url: str, schema: str) -> dict[str, str]:
    """The environment of the benchmarked servers: the platform and bare_app.py."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "BENCH_SCHEMA": schema,
        "LOG_LEVEL": "WARNING",
        "DATACAPT_ENV": "development",
        # The benches time logins back to back from one address: not the rate limit's job.
        "DATACAPT_AUTH_RATE_LIMIT": "1000000 per minute",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
    }


@contextlib.contextmanager
def serving(env: dict[str, str], *apps: tuple[str, int]) -> Iterator[None]:
    """Run each (wsgi app path, port) under gunicorn for the block."""
    processes = []
    try:
        for app_path, port in apps:
            processes.append(serve(app_path, port, env))
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()


def login(port: int, host: str, email: str) -> tuple[dict[str, str], float]:
    """Log in over HTTP; returns the authenticated headers and the seconds the login took."""
    body = json.dumps({"email": email, "password": BENCH_PASSWORD}).encode()
    headers = {"Host": host, "Content-Type": "application/json"}
    started = time.perf_counter()
    status, data = request(port, "POST", "/api/auth/login", headers, body)
    elapsed = time.perf_counter() - started
    assert status == 200, data
    return {"Host": host, "Authorization": f"Bearer {json.loads(data)['token']}"}, elapsed


def run_clients(
    clients: int, seconds: float, one_request: Callable[[int, int], bool]
) -> tuple[float, list[float]]:
    """Requests per second and latencies of ``clients`` threads calling
    ``one_request(client_index, round)`` (which returns whether it succeeded), after one
    untimed warm-up call."""
    assert one_request(0, 0)
    timings: list[list[float]] = [[] for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        round_number = 0
        while time.perf_counter() < deadline:
            round_number += 1
            started = time.perf_counter()
            assert one_request(index, round_number)
            timings[index].append(time.perf_counter() - started)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [t for per_client in timings for t in per_client]
    return len(flat) / elapsed, flat


def ensure_wrk() -> str:
    """The path of wrk, the HTTP load generator; installed first (`make wrk`) when missing."""
    if shutil.which("wrk") is None:
        subprocess.run(["make", "--no-print-directory", "wrk"], cwd=ROOT, check=True)
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is missing and could not be installed (`make wrk` as root)")
    return path


_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * _WRK_UNITS_MS[unit], 2)


def run_wrk(
    port: int, path: str, headers: dict[str, str], seconds: float, connections: int = 8
) -> dict[str, float]:
    """One wrk round (one thread, ``connections`` keep-alive connections) against a GET;
    returns requests per second and the p50/p90/p99 latencies in ms. Any answer other than
    2xx/3xx, or any socket error, fails the round: a fast error is not a result."""
    command = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failed requests:\n{output}")
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": _wrk_ms(latency["50"]),
        "p90_ms": _wrk_ms(latency["90"]),
        "p99_ms": _wrk_ms(latency["99"]),
    }


def percentile_ms(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000, 1)


def timed_subprocess(code: str, env: dict[str, str]) -> float:
    """Wall seconds of a fresh Python process running ``code``."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def emit(figures: dict[str, Any]) -> None:
    """Print the figures as one JSON object on the last line."""
    print(json.dumps(figures))
