"""A section save's cost, over HTTP on loopback, both servers under gunicorn with the same
settings in the same run: saving a section of 20 answered questions (PUT with If-Match and a
reason for change, every answer changed, checked, audited, progress kept) by concurrent
clients, each on its own subject, against a bare Flask endpoint doing one INSERT with
psycopg2 (bench/bare_app.py). Throughput ratio, the save's p50 and p99, and the SQL
statements one save sends (counted in process, before the timed rounds).

    python bench/ecrf.py [--seconds 8] [--clients 8] [--subjects 200]
"""

from __future__ import annotations

import argparse
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

SCHEMA = "bench_ecrf"
TENANT_HOST = "ecrf.bench"
QUESTIONS = 20


def _question(index: int) -> dict:
    kind = ("integer", "decimal", "short_text", "yes_no")[index % 4]
    return {
        "kind": "question",
        "code": f"q{index:02d}",
        "type": kind,
        "label": {"en": f"Question {index}"},
        "required": True,
        **({"options": {"min": 0, "max": 1000}} if kind == "integer" else {}),
        **({"options": {"precision": 1}} if kind == "decimal" else {}),
    }


DESIGN = {
    "sections": [
        {
            "title": {"en": title},
            "subsections": [
                {
                    "title": {"en": "Measures"},
                    "blocks": [_question(i + offset) for i in range(QUESTIONS)],
                }
            ],
        }
        for title, offset in (("Screening", 0), ("Week 4", QUESTIONS))
    ]
}


def answers(round_number: int) -> dict:
    """The 20 answers of the first section; every round changes all of them."""
    values = {}
    for index in range(QUESTIONS):
        kind = _question(index)["type"]
        if kind == "integer":
            values[f"q{index:02d}"] = 100 + round_number % 500
        elif kind == "decimal":
            values[f"q{index:02d}"] = f"{36 + round_number % 5}.{index % 10}"
        elif kind == "short_text":
            values[f"q{index:02d}"] = f"value {round_number}"
        else:
            values[f"q{index:02d}"] = round_number % 2 == 0
    return values


def prepare(url: str, subjects: int):
    """A tenant with ecrf enabled, an administrator, a study with the design, a center,
    ``subjects`` subjects and the progress of each in both sections; returns the app."""
    from sqlalchemy.dialects.postgresql import insert

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Section, SectionState
    from plugins.ecrf.services import ecrf_of, save_design
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "eCRF bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "ecrf", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@ecrf.bench", "ECRF")
            center = create_center("PAR", "Paris", "FR")
            add_study_center(study, center.uuid)
            save_design(study, DESIGN)
            participations = [add_subject(study, center.uuid, {}) for _ in range(subjects)]
            sections = db.session.scalars(
                Section.__table__.select()
                .with_only_columns(Section.id)
                .where(Section.ecrf_id == ecrf_of(study).id)
            ).all()
            db.session.execute(
                insert(SectionState),
                [
                    {
                        "subject_in_study_id": participation.id,
                        "section_id": section_id,
                        "version": 1,
                        "required": QUESTIONS,
                        "answered": position * 7 % (QUESTIONS + 1),
                    }
                    for position, participation in enumerate(participations)
                    for section_id in sections
                ],
            )
            db.session.commit()
        db.session.execute(
            db.text(f'CREATE TABLE "{SCHEMA}".bench_answers (id bigserial PRIMARY KEY, value text)')
        )
        db.session.commit()
    return app


def _save_headers(auth: dict[str, str], version: int) -> dict[str, str]:
    return {
        **auth,
        "Content-Type": "application/json",
        "If-Match": f'"{version}"',
        "Reason-For-Change": "Transcription error",
    }


def statements_per_save(app, study_headers: dict[str, str], path: str) -> int:
    """The SQL statements one save sends, the commit included (in process, test client)."""
    from sqlalchemy import event

    from datacapt.database import db

    client = app.test_client()
    version = client.get(path, headers=study_headers).json["version"]
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def count(*_args) -> None:
        sent.append("statement")

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", count)
    try:
        response = client.put(
            path, json={"answers": answers(10_000)}, headers=_save_headers(study_headers, version)
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", count)
    assert response.status_code == 200, response.json
    return len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--subjects", type=int, default=200)
    args = parser.parse_args()

    url = bench_database_url()
    app = prepare(url, max(args.subjects, args.clients + 1))
    apps = (("wsgi:app", 5811), ("bare_app:app", 5812))
    with serving(bench_env(url, SCHEMA), *apps):
        auth, _ = login(5811, TENANT_HOST, "admin@ecrf.bench")
        status, data = request(5811, "GET", "/api/studies/", auth)
        assert status == 200, data
        study_headers = {**auth, "Study-Uuid": json.loads(data)[0]["uuid"]}
        status, data = request(5811, "GET", "/api/ecrf/", study_headers)
        section = json.loads(data)["sections"][0]["uuid"]
        status, data = request(5811, "GET", "/api/ecrf/subjects/?page_size=50", study_headers)
        subjects = [row["uuid"] for row in json.loads(data)][: args.clients + 1]
        paths = [f"/api/ecrf/subjects/{s}/sections/{section}" for s in subjects]
        # The last subject is counted in process, not saved by the clients.
        statements = statements_per_save(app, {**study_headers, "Host": TENANT_HOST}, paths.pop())
        etags = []
        for path in paths:
            status, data = request(5811, "GET", path, study_headers)
            assert status == 200, data
            etags.append(json.loads(data)["version"])

        def save(index: int, round_number: int) -> bool:
            headers = _save_headers(study_headers, etags[index])
            body = json.dumps({"answers": answers(round_number)}).encode()
            status, data = request(5811, "PUT", paths[index], headers, body)
            if status == 200:
                etags[index] = json.loads(data)["version"]
            return status == 200

        def insert_one(index: int, round_number: int) -> bool:
            return request(5812, "POST", "/answers", {})[0] == 201

        platform_rates, bare_rates, save_timings = [], [], []
        for _ in range(2):  # alternate, so drift on a shared machine hits both
            rate, timings = run_clients(args.clients, args.seconds, save)
            platform_rates.append(rate)
            save_timings.extend(timings)
            bare_rates.append(run_clients(args.clients, args.seconds, insert_one)[0])

    emit(
        {
            "save_requests_per_second": round(statistics.mean(platform_rates), 1),
            "bare_insert_requests_per_second": round(statistics.mean(bare_rates), 1),
            "save_throughput_ratio": round(
                statistics.mean(platform_rates) / statistics.mean(bare_rates), 3
            ),
            "save_p50_ms": percentile_ms(save_timings, 0.5),
            "save_p99_ms": percentile_ms(save_timings, 0.99),
            "statements_per_save": statements,
            "answers_per_save": QUESTIONS,
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn_workers": 2,
        }
    )


if __name__ == "__main__":
    main()
