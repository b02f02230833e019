"""Randomization's cost:

1. Simulation before go-live: 1,000 simulated trials of 200 subjects with Pocock-Simon
   minimization over 3 factors (center of 4, sex, age in 3 ranges), in process: seconds.
2. Randomizing included subjects over HTTP on loopback (gunicorn, 2 workers) by concurrent
   clients, each on subjects of its own, with a permuted-block design stratified by center
   and sex (randomizations of one stratum queue on its row, the others go on), against a
   study read (`GET /api/studies/<uuid>`) by as many clients in the same run: assignments
   per second, their p50 and p99, and the read's.

    python bench/randomization.py [--trials 1000] [--subjects 200] [--clients 8]
                                  [--seconds 8] [--pool 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

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

SCHEMA = "bench_randomization"
TENANT_HOST = "randomization.bench"
CENTERS = ("PAR", "LYO", "NTE", "BDX")
ARMS = [{"code": "A", "name": "Active", "ratio": 1}, {"code": "P", "name": "Placebo", "ratio": 1}]
AGE = {
    "code": "age",
    "source": "question",
    "question": "age",
    "ranges": [
        {"code": "young", "max": 40},
        {"code": "middle", "min": 40, "max": 65},
        {"code": "old", "min": 65},
    ],
}
MINIMIZATION = {
    "arms": ARMS,
    "factors": [
        {"code": "center", "source": "center"},
        {"code": "sex", "source": "question", "question": "sex", "levels": ["F", "M"]},
        AGE,
    ],
    "minimization": {"distance": "range", "probability": 0.8, "random_first": 10},
}
ECRF = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": "sex",
                            "type": "single_choice",
                            "label": {"en": "Sex"},
                            "options": {"choices": [{"value": "F"}, {"value": "M"}]},
                        }
                    ],
                }
            ],
        }
    ]
}
BLOCKS = {
    "code": "MAIN",
    "name": "Main",
    "method": "blocks",
    "blinded": True,
    "config": {
        "arms": ARMS,
        "factors": [
            {"code": "center", "source": "center"},
            {"code": "sex", "source": "question", "question": "sex"},
        ],
        "block_sizes": [4, 6, 8],
        "capacity": 100000,
        "warning_threshold": 0,
    },
}


def simulation_seconds(trials: int, subjects: int) -> float:
    from plugins.randomizations.methods.stream import new_seed
    from plugins.randomizations.simulation.engine import Population, Simulated, simulate

    population = Population.of(MINIMIZATION, list(CENTERS), {})
    started = time.perf_counter()
    result = simulate(
        Simulated("minimization", MINIMIZATION), population, trials, subjects, new_seed()
    )
    elapsed = time.perf_counter() - started
    assert result["trials"] == trials and result["unplaced"]["subjects"] == 0
    return round(elapsed, 2)


def prepare(url: str, pool: int) -> None:
    """A tenant with randomizations, a study of 4 centers with the eCRF's sex question, a
    live permuted-block design and ``pool`` included subjects with their answer."""
    from sqlalchemy.dialects.postgresql import insert

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Answer
    from plugins.ecrf.services import save_design
    from plugins.randomizations import services
    from plugins.randomizations.simulation import service as simulations
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Randomization bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "randomizations", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@randomization.bench", "RAND")
            centers = [create_center(code, code, "FR") for code in CENTERS]
            for center in centers:
                add_study_center(study, center.uuid)
            save_design(study, ECRF)
            design = services.create_design(study, BLOCKS)
            version = services.get_version(design, 1)
            simulations.start(version, {"trials": 10, "subjects": 100, "population": {}}, None)
            services.mark_approved(study, version, None)
            services.go_live(version)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--subjects", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--pool", type=int, default=2000)
    args = parser.parse_args()

    seconds = simulation_seconds(args.trials, args.subjects)
    url = bench_database_url()
    prepare(url, args.pool)
    with serving(bench_env(url, SCHEMA), ("wsgi:app", 5821)):
        auth, _ = login(5821, TENANT_HOST, "admin@randomization.bench")
        status, data = request(5821, "GET", "/api/studies/", auth)
        assert status == 200, data
        study = json.loads(data)[0]["uuid"]
        headers = {**auth, "Study-Uuid": study, "Content-Type": "application/json"}
        status, data = request(5821, "GET", "/api/randomizations/designs/", headers)
        assert status == 200, data
        design = json.loads(data)[0]["uuid"]
        subjects: list[str] = []
        page = 1
        while len(subjects) < args.pool:
            status, data = request(
                5821, "GET", f"/api/subjects/?page={page}&page_size=100", headers
            )
            assert status == 200, data
            batch = [row["uuid"] for row in json.loads(data)]
            if not batch:
                break
            subjects += batch
            page += 1
        queues = [subjects[index :: args.clients + 1] for index in range(args.clients + 1)]
        body = json.dumps({"design": design, "environment": "production"}).encode()

        def randomize(index: int, round_number: int) -> bool:
            subject = queues[index].pop()
            path = f"/api/randomizations/subjects/{subject}/randomize"
            return request(5821, "POST", path, headers, body)[0] == 201

        def read_study(index: int, round_number: int) -> bool:
            return request(5821, "GET", f"/api/studies/{study}", auth)[0] == 200

        randomize_rates, randomize_timings, read_rates, read_timings = [], [], [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            rate, timings = run_clients(args.clients, args.seconds / 2, randomize)
            randomize_rates.append(rate)
            randomize_timings.extend(timings)
            rate, timings = run_clients(args.clients, args.seconds / 2, read_study)
            read_rates.append(rate)
            read_timings.extend(timings)

    emit(
        {
            "simulation_seconds": seconds,
            "simulated_trials": args.trials,
            "simulated_subjects_per_trial": args.subjects,
            "simulation_method": "minimization, 3 factors",
            "randomizations_per_second": round(statistics.mean(randomize_rates), 1),
            "randomize_p50_ms": percentile_ms(randomize_timings, 0.5),
            "randomize_p99_ms": percentile_ms(randomize_timings, 0.99),
            "study_reads_per_second": round(statistics.mean(read_rates), 1),
            "study_read_p50_ms": percentile_ms(read_timings, 0.5),
            "study_read_p99_ms": percentile_ms(read_timings, 0.99),
            "randomize_to_read_throughput": round(
                statistics.mean(randomize_rates) / statistics.mean(read_rates), 3
            ),
            "strata": len(CENTERS) * 2,
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
