"""Split-body data entry's cost, over HTTP on loopback under gunicorn, in the same run:
saving a 20-question zone assessment on one of a subject's 4 zones (PUT on the section's
instance with If-Match and a reason for change, every answer changed, the zone checked
against the subject's allocation, the order of measurements checked, audited, the zone's
progress kept) by concurrent clients, each on its own subject cycling through its zones,
against the plain eCRF section save of 20 questions by the same clients. Throughput ratio
and each save's p50 and p99.

    python bench/side_by_side.py [--seconds 8] [--clients 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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

SCHEMA = "bench_side_by_side"
TENANT_HOST = "side-by-side.bench"
QUESTIONS = 20
ZONES = ("LFP", "LFD", "RFP", "RFD")


def _question(code: str, index: int) -> dict:
    kind = ("integer", "decimal")[index % 2]
    return {
        "kind": "question",
        "code": code,
        "type": kind,
        "label": {"en": code},
        "required": True,
        **({"options": {"min": 0, "max": 1000}} if kind == "integer" else {}),
    }


DESIGN = {
    "sections": [
        {
            "title": {"en": title},
            "subsections": [
                {
                    "title": {"en": "Measures"},
                    "blocks": [_question(f"{prefix}{i:02d}", i) for i in range(QUESTIONS)],
                }
            ],
        }
        for title, prefix in (("Screening", "s"), ("Day 0", "z"))
    ]
}


def answers(prefix: str, round_number: int) -> dict:
    """20 answers; every round changes all of them."""
    return {
        f"{prefix}{i:02d}": (100 + round_number % 500) if i % 2 == 0 else 36.5 + round_number % 5
        for i in range(QUESTIONS)
    }


def prepare(url: str, subjects: int) -> None:
    """A tenant with side_by_side, a study with a plain and a zone-assessed section, four
    coded products on four forearm zones (Williams design, live), ``subjects`` subjects
    randomized through the randomization module."""
    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.services import design, save_design
    from plugins.product_database.models import Product, StudyProduct
    from plugins.randomizations import services as randomization_services
    from plugins.randomizations.models import Simulation, SimulationStatus
    from plugins.randomizations.randomize import randomize
    from plugins.side_by_side.services import add_assessment, add_zone, create_design
    from plugins.subjects.models import SubjectStatus
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Side by side bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "side_by_side", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@side-by-side.bench", "SPLIT")
            center = create_center("PAR", "Paris", "FR")
            add_study_center(study, center.uuid)
            save_design(study, DESIGN)
            products = []
            for index in range(len(ZONES)):
                product = Product(name=f"Cream {index}", kind="cosmetic_formula")
                db.session.add(product)
                db.session.flush()
                coded = StudyProduct(
                    study_id=study.id, product_id=product.id, blinding_code=f"C-{index}"
                )
                db.session.add(coded)
                db.session.flush()
                products.append(coded.uuid)
            for code in ZONES:
                side = "left" if code.startswith("L") else "right"
                add_zone(
                    study,
                    {
                        "code": code,
                        "name": code,
                        "body_area": "forearm",
                        "side": side,
                        "position": None,
                        "zone_set": "ARMS",
                        "control": False,
                    },
                )
            split = create_design(
                study,
                {
                    "code": "W4",
                    "name": "W4",
                    "scheme": "williams",
                    "products": products,
                    "zone_set": "ARMS",
                },
            )
            zone_section = design(study)["sections"][1]["uuid"]
            add_assessment(
                study,
                {
                    "design": split.uuid,
                    "section": zone_section,
                    "order": [f"z{i:02d}" for i in range(QUESTIONS)],
                    "enforce_order": True,
                },
            )
            randomization = split.randomization_design
            version = randomization.versions[0]
            # The bench's design is not simulated for real: its simulation is recorded done.
            db.session.add(
                Simulation(
                    study_id=study.id,
                    version_id=version.id,
                    revision=version.revision,
                    status=SimulationStatus.DONE,
                    trials=1,
                    subjects=1,
                    seed="00" * 32,
                    result={},
                )
            )
            db.session.flush()
            randomization_services.mark_approved(study, version, None)
            randomization_services.go_live(version)
            for _ in range(subjects):
                participation = add_subject(study, center.uuid, {})
                participation.status = SubjectStatus.INCLUDED
                participation.inclusion_date = dt.date.today()
                db.session.flush()
                randomize(study, participation, randomization, "production")
            db.session.commit()
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    url = bench_database_url()
    prepare(url, args.clients)
    with serving(bench_env(url, SCHEMA), ("wsgi:app", 5821)):
        auth, _ = login(5821, TENANT_HOST, "admin@side-by-side.bench")
        status, data = request(5821, "GET", "/api/studies/", auth)
        assert status == 200, data
        study_headers = {**auth, "Study-Uuid": json.loads(data)[0]["uuid"]}
        status, data = request(5821, "GET", "/api/ecrf/", study_headers)
        plain, zoned = (section["uuid"] for section in json.loads(data)["sections"])
        status, data = request(5821, "GET", "/api/ecrf/subjects/?page_size=50", study_headers)
        subjects = [row["uuid"] for row in json.loads(data)][: args.clients]
        plain_paths = [f"/api/ecrf/subjects/{s}/sections/{plain}" for s in subjects]
        zone_paths = [
            [f"/api/ecrf/subjects/{s}/sections/{zoned}/instances/{zone}" for zone in ZONES]
            for s in subjects
        ]
        etags: dict[str, int] = {}
        for path in plain_paths + [p for paths in zone_paths for p in paths]:
            status, data = request(5821, "GET", path, study_headers)
            assert status == 200, data
            etags[path] = json.loads(data)["version"]

        def put(path: str, body: dict) -> bool:
            headers = {
                **study_headers,
                "Content-Type": "application/json",
                "If-Match": f'"{etags[path]}"',
                "Reason-For-Change": "Transcription error",
            }
            status, data = request(5821, "PUT", path, headers, json.dumps(body).encode())
            if status == 200:
                etags[path] = json.loads(data)["version"]
            return status == 200

        def save_zone(index: int, round_number: int) -> bool:
            path = zone_paths[index][round_number % len(ZONES)]
            return put(path, {"answers": answers("z", round_number)})

        def save_plain(index: int, round_number: int) -> bool:
            return put(plain_paths[index], {"answers": answers("s", round_number)})

        zone_rates, plain_rates, zone_timings, plain_timings = [], [], [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            rate, timings = run_clients(args.clients, args.seconds, save_zone)
            zone_rates.append(rate)
            zone_timings.extend(timings)
            rate, timings = run_clients(args.clients, args.seconds, save_plain)
            plain_rates.append(rate)
            plain_timings.extend(timings)

    emit(
        {
            "zone_save_requests_per_second": round(statistics.mean(zone_rates), 1),
            "plain_save_requests_per_second": round(statistics.mean(plain_rates), 1),
            "zone_to_plain_throughput_ratio": round(
                statistics.mean(zone_rates) / statistics.mean(plain_rates), 3
            ),
            "zone_save_p50_ms": percentile_ms(zone_timings, 0.5),
            "zone_save_p99_ms": percentile_ms(zone_timings, 0.99),
            "plain_save_p50_ms": percentile_ms(plain_timings, 0.5),
            "plain_save_p99_ms": percentile_ms(plain_timings, 0.99),
            "zone_to_plain_p99_ratio": round(
                percentile_ms(zone_timings, 0.99) / percentile_ms(plain_timings, 0.99), 3
            ),
            "answers_per_save": QUESTIONS,
            "zones_per_subject": len(ZONES),
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
