"""Auditing's cost: updating one tracked object (a study's name) and committing, with the
audit recorder on, against the same update with the recorder off, alternating blocks in
one run.

    python bench/audit.py [--updates 400] [--blocks 4]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _support import bench_app, bench_database_url, emit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--blocks", type=int, default=4)
    args = parser.parse_args()

    from datacapt.audit import recorder
    from datacapt.database import db
    from datacapt.studies.models import Study
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant

    app = bench_app(bench_database_url())
    audited_entries = recorder._entries
    rates: dict[str, list[float]] = {"audited": [], "unaudited": []}
    with app.app_context():
        create_tenant("bench_audit", "Audit bench", ["audit.bench"])
        with tenant_context("bench_audit"):
            study = Study(reference="AUDIT", name="v0", status="draft")
            db.session.add(study)
            db.session.commit()
            counter = 0
            for _ in range(args.blocks):
                for mode in ("audited", "unaudited"):
                    # The baseline: the same flush with no audited objects found.
                    recorder._entries = audited_entries if mode == "audited" else (lambda _s: [])
                    started = time.perf_counter()
                    for _ in range(args.updates):
                        counter += 1
                        study.name = f"v{counter}"
                        db.session.commit()
                    rates[mode].append(args.updates / (time.perf_counter() - started))
            recorder._entries = audited_entries
    audited, unaudited = statistics.median(rates["audited"]), statistics.median(rates["unaudited"])
    emit(
        {
            "updates_per_block": args.updates,
            "blocks": args.blocks,
            "audited_updates_per_second": round(audited, 1),
            "unaudited_updates_per_second": round(unaudited, 1),
            "throughput_ratio": round(audited / unaudited, 3),
        }
    )


if __name__ == "__main__":
    main()
