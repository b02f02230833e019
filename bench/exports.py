"""Exports of a study of ``--subjects`` x ``--items`` values (10,000 x 200: 2 million),
loaded with set-based inserts (not the API), each format run by the export job in a
child process of its own:

1. Each format's seconds and peak memory (the child's resident set sampled while the export
   runs: its peak, and its growth over the resident set of the started app before the run), against the baseline measured in the same run:
   ``COPY (SELECT ... FROM ecrf_answers) TO STDOUT`` of the same values.
2. CSV again on a study of half the subjects: its peak beside the whole study's shows the
   memory flat when the study doubles. Goal: CSV at most 20 s and 256 MB.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_exports \\
        python bench/exports.py [--subjects 10000] [--items 200] [--formats csv,xlsx,xpt,sav,odm]

Without BENCH_DATABASE_URL it uses (and creates) the database bench_exports on the local
server.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import threading
import time

from _support import add_admin_and_study, bench_app, emit

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_exports"
HALF, WHOLE = "bench_exports_half", "bench_exports_whole"
KINDS = ("integer", "decimal", "single_choice", "short_text")
CHOICES = {"choices": [{"value": v, "label": {"en": f"Level {v}"}} for v in (1, 2, 3)]}


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    import psycopg2

    admin = psycopg2.connect(DEFAULT_URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_exports'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE DATABASE bench_exports")
    admin.close()
    return DEFAULT_URL


def load_study(schema: str, subjects: int, items: int) -> None:
    """A tenant whose study has ``items`` questions in 4 sections and ``subjects``
    included subjects who answered each (inside an app context)."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Block, Ecrf, Section, SubSection
    from plugins.exports.definitions.models import ExportDefinition
    from plugins.subjects.models import Subject, SubjectInStudy

    create_tenant(schema, f"Exports bench {schema}", [f"{schema.replace('_', '-')}.bench"])
    enable_plugin(schema, "exports", "bench", with_deps=True)
    with tenant_context(schema):
        study = add_admin_and_study(f"admin@{schema}.bench", "EXP")
        center = create_center("PAR", "Paris", "FR")
        add_study_center(study, center.uuid)
        ecrf = Ecrf(study_id=study.id, version=1, revision=1)
        db.session.add(ecrf)
        db.session.flush()
        for number in range(4):
            section = Section(ecrf_id=ecrf.id, position=number, title={"en": f"Visit {number}"})
            db.session.add(section)
            db.session.flush()
            subsection = SubSection(section_id=section.id, position=0, title={"en": "Data"})
            db.session.add(subsection)
            db.session.flush()
            for position in range(number, items, 4):
                kind = KINDS[position % 4]
                db.session.add(
                    Block(
                        ecrf_id=ecrf.id,
                        subsection_id=subsection.id,
                        position=position,
                        kind="question",
                        code=f"q{position:03d}",
                        type=kind,
                        label={"en": f"Question {position} of visit {number}"},
                        options=CHOICES if kind == "single_choice" else {},
                    )
                )
        db.session.add(ExportDefinition(study_id=study.id, name="All"))
        people = db.session.execute(
            sa.insert(Subject).returning(Subject.id), [{} for _ in range(subjects)]
        ).scalars()
        db.session.execute(
            sa.insert(SubjectInStudy),
            [
                {
                    "study_id": study.id,
                    "subject_id": person,
                    "center_id": center.id,
                    "study_subject_id": f"PAR-{index:05d}",
                    "status": "included",
                }
                for index, person in enumerate(people)
            ],
        )
        db.session.commit()
        # Every value in one statement: the database makes them, not Python.
        db.session.execute(
            sa.text(
                f"""
                INSERT INTO "{schema}".ecrf_answers
                    (uuid, created_at, modified_at, subject_in_study_id, code, value)
                SELECT gen_random_uuid(), now(), now(), s.id, format('q%s', lpad(q::text, 3, '0')),
                    CASE q % 4
                        WHEN 0 THEN to_jsonb((s.id * 7 + q) % 100)
                        WHEN 1 THEN to_jsonb((((s.id + q) % 1000) / 10.0)::text)
                        WHEN 2 THEN to_jsonb((s.id + q) % 3 + 1)
                        ELSE to_jsonb('text ' || s.id || ' ' || q)
                    END
                FROM "{schema}".subjects_in_studies s CROSS JOIN generate_series(0, :items - 1) q
                """
            ),
            {"items": items},
        )
        db.session.commit()


def child(schema: str, file_format: str) -> None:
    """Run one export in this process; print its figures."""
    import sqlalchemy as sa

    from datacapt.app import create_app
    from datacapt.config import Settings
    from datacapt.database import db
    from datacapt.identity.models import User
    from datacapt.tenancy.context import tenant_context
    from plugins.exports.definitions.models import ExportDefinition
    from plugins.exports.runs import services
    from plugins.exports.runs.models import Export, ExportProgress

    app = create_app(
        Settings(
            env="development", database_url=os.environ["BENCH_DATABASE_URL"], log_level="WARNING"
        )
    )
    with app.app_context(), tenant_context(schema):
        definition = db.session.execute(sa.select(ExportDefinition)).scalar_one()
        user = db.session.execute(sa.select(User)).scalars().first()
        export = Export(
            study_id=definition.study_id,
            definition_id=definition.id,
            settings=definition.settings(),
            format=file_format,
            requested_by_id=user.id,
            center_uuids=None,
        )
        db.session.add(export)
        db.session.flush()
        db.session.add(ExportProgress(export_id=export.id))
        db.session.commit()
        before = _resident_mib()
        sampler = Sampler()
        sampler.start()
        started = time.perf_counter()
        services.run_export(export)
        db.session.commit()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        peak = max(sampler.peak, _resident_mib())
        assert export.state == "done", export.failure
        print(
            json.dumps(
                {
                    "seconds": round(seconds, 2),
                    "peak_rss_mib": round(peak, 1),
                    "growth_mib": round(peak - before, 1),
                    "rows": export.progress.rows if export.progress else None,
                    "bytes": sum(made.size for made in export.files),
                }
            )
        )


class Sampler(threading.Thread):
    """The process's resident set, read every 20 ms while the export runs: its peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done = threading.Event()
        self.peak = 0.0

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, _resident_mib())


def _resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(url: str, schema: str, file_format: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", schema, "--format", file_format],
        env={**os.environ, "BENCH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{file_format} export failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def copy_seconds(url: str, schema: str) -> float:
    """The baseline: the database writing the same values out, nothing else."""
    import psycopg2

    connection = psycopg2.connect(url)
    sink = io.StringIO()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f'COPY (SELECT subject_in_study_id, code, value FROM "{schema}".ecrf_answers) TO STDOUT',
            sink,
        )
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=10000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--formats", default="csv,xlsx,xpt,sav,odm")
    parser.add_argument("--child")
    parser.add_argument("--format")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.format)
        return

    url = database_url()
    app = bench_app(url)
    started = time.perf_counter()
    with app.app_context():
        load_study(HALF, args.subjects // 2, args.items)
        load_study(WHOLE, args.subjects, args.items)
    load_seconds = time.perf_counter() - started
    figures: dict = {
        "subjects": args.subjects,
        "items": args.items,
        "values": args.subjects * args.items,
        "load_seconds": round(load_seconds, 1),
        "baseline_copy_seconds": round(copy_seconds(url, WHOLE), 2),
    }
    for file_format in args.formats.split(","):
        measured = run_child(url, WHOLE, file_format)
        figures[f"{file_format}_seconds"] = measured["seconds"]
        figures[f"{file_format}_peak_rss_mib"] = measured["peak_rss_mib"]
        figures[f"{file_format}_growth_mib"] = measured["growth_mib"]
        figures[f"{file_format}_bytes"] = measured["bytes"]
        figures[f"{file_format}_over_copy"] = round(
            measured["seconds"] / figures["baseline_copy_seconds"], 1
        )
    half = run_child(url, HALF, "csv")
    figures["csv_half_study_peak_rss_mib"] = half["peak_rss_mib"]
    figures["csv_half_study_growth_mib"] = half["growth_mib"]
    figures["csv_half_study_seconds"] = half["seconds"]
    emit(figures)


if __name__ == "__main__":
    main()
