"""The host cache after many distinct hosts: its size stays at DATACAPT_HOST_CACHE_SIZE.

Resolves --hosts distinct unknown host names (what a client sending random Host headers
does), then the tenant's own host, and reports the entries the cache holds and the time
of a lookup answered by the cache against one that queries the database (same run).

    python bench/host_cache.py --hosts 30000 --size 20000
"""

from __future__ import annotations

import argparse
import contextlib
import time

from _support import bench_app, bench_database_url, create_bench_tenants, emit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=30_000)
    parser.add_argument("--size", type=int, default=20_000)
    args = parser.parse_args()

    from datacapt.database import db
    from datacapt.errors import DatacaptException
    from datacapt.tenancy.hosts import host_cache
    from datacapt.tenancy.services import tenant_for_host
    from datacapt.testing.database import reset_database

    url = bench_database_url()
    app = bench_app(url, host_cache_seconds=3600, host_cache_size=args.size)
    with app.app_context():
        (schema,) = create_bench_tenants(1)
        host = f"{schema.replace('_', '-')}.bench"
        started = time.perf_counter()
        for number in range(args.hosts):
            with contextlib.suppress(DatacaptException):
                tenant_for_host(f"h{number}.unknown.example")
        uncached = (time.perf_counter() - started) / args.hosts
        tenant_for_host(host)
        started = time.perf_counter()
        for _ in range(args.hosts):
            tenant_for_host(host)
        cached = (time.perf_counter() - started) / args.hosts
        entries = len(host_cache())
        db.session.remove()
        reset_database(db.engine)
    emit(
        {
            "hosts": args.hosts,
            "size_setting": args.size,
            "cache_entries": entries,
            "lookup_uncached_us": round(uncached * 1e6, 1),
            "lookup_cached_us": round(cached * 1e6, 2),
        }
    )


if __name__ == "__main__":
    main()
