"""Bulk electronic signing: an investigator signs the casebooks of 500 subjects, 20 answers
each (10 in each of the two sections of bench/ecrf.py's design), in one request through the API (password checked, records and
their sections' versions checked, the signing recorded, then the job that signs them in
batches, each committed with its progress: here, without Redis, run in process right after
the request commits, so the request's time is the whole signing).

The baseline, measured in the same run, is re-reading the same answers alone: one SELECT
of the 10,000 values, as a reader of the data would. Also printed: the same read with each
answer's audit head (what a signature hashes), the part of signing that reading costs.

    python bench/monitoring_signatures.py [--subjects 500] [--rounds 2] [--reads 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit
from ecrf import DESIGN, QUESTIONS

SCHEMA = "bench_signatures"
TENANT_HOST = "signatures.bench"
INVESTIGATOR = "investigator@signatures.bench"
# Of each section of the eCRF bench's design (two of 20 questions), the first 10 answered.
PER_SECTION = 10
ANSWERED = [f"q{i:02d}" for offset in (0, QUESTIONS) for i in range(offset, offset + PER_SECTION)]
MEANINGS = ("approval", "review", "responsibility", "authorship")
VALUES = {"integer": 100, "decimal": "36.6", "short_text": "as in the source", "yes_no": True}


def prepare(url: str, subjects: int):
    """A tenant with monitoring, a study with the design, an investigator of all its
    centers, ``subjects`` subjects with 20 audited answers each; returns the app, the
    study's uuid and the subjects' uuids."""
    from datacapt.database import db
    from datacapt.identity.services import create_user, get_role
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.models import StudyUser
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.ecrf.models import Answer
    from plugins.ecrf.services import save_design
    from plugins.subjects.services import add_subject

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Signatures bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "monitoring", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@signatures.bench", "SIGN")
            center = create_center("PAR", "Paris", "FR")
            add_study_center(study, center.uuid)
            save_design(study, DESIGN)
            role = get_role("investigator")
            user = create_user(INVESTIGATOR, "Ann", "Martin", role, BENCH_PASSWORD)
            db.session.add(
                StudyUser(study_id=study.id, user_id=user.id, role_id=role.id, all_centers=True)
            )
            participations = [add_subject(study, center.uuid, {}) for _ in range(subjects)]
            types = {
                block["code"]: VALUES[block["type"]]
                for section in DESIGN["sections"]
                for block in section["subsections"][0]["blocks"]
            }
            values = {code: types[code] for code in ANSWERED}
            for start in range(0, subjects, 100):
                db.session.add_all(
                    Answer(subject_in_study_id=p.id, code=code, value=values[code])
                    for p in participations[start : start + 100]
                    for code in ANSWERED
                )
                db.session.flush()  # each answer's create record: its audit head
            db.session.commit()
            return app, str(study.uuid), [str(p.uuid) for p in participations]


def read_answers(app, subject_uuids: list[str], with_heads: bool) -> float:
    """Seconds to read the subjects' answers (with their audit heads, or alone)."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context
    from plugins.ecrf.models import Answer
    from plugins.monitoring.signatures.snapshots import answers_with_heads
    from plugins.subjects.models import SubjectInStudy

    with app.app_context(), tenant_context(SCHEMA):
        ids = list(
            db.session.execute(
                sa.select(SubjectInStudy.id).where(SubjectInStudy.uuid.in_(subject_uuids))
            ).scalars()
        )
        started = time.perf_counter()
        if with_heads:
            found = sum(len(a) for a in answers_with_heads(ids).values())
        else:
            found = len(
                db.session.execute(
                    sa.select(Answer.subject_in_study_id, Answer.code, Answer.value).where(
                        Answer.subject_in_study_id.in_(ids)
                    )
                ).all()
            )
        elapsed = time.perf_counter() - started
        db.session.rollback()
    assert found == len(subject_uuids) * len(ANSWERED), found
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, choices=range(1, len(MEANINGS) + 1))
    parser.add_argument("--reads", type=int, default=5)
    args = parser.parse_args()

    app, study, subjects = prepare(bench_database_url(), args.subjects)
    client = app.test_client()
    login = client.post(
        "/api/auth/login",
        json={"email": INVESTIGATOR, "password": BENCH_PASSWORD},
        base_url=f"http://{TENANT_HOST}",
    )
    assert login.status_code == 200, login.json
    headers = {"Authorization": f"Bearer {login.json['token']}", "Study-Uuid": study}
    body = {"targets": [{"subject": s} for s in subjects], "password": BENCH_PASSWORD}

    sign_seconds, read_seconds, head_seconds = [], [], []
    for meaning in MEANINGS[: args.rounds]:  # a casebook is signed once per meaning
        started = time.perf_counter()
        answer = client.post(
            "/api/monitoring/signatures/",
            json={**body, "meaning": meaning},
            headers=headers,
            base_url=f"http://{TENANT_HOST}",
        )
        sign_seconds.append(time.perf_counter() - started)
        assert answer.status_code == 202, answer.json
        signing = client.get(
            f"/api/monitoring/signatures/signings/{answer.json['signing']['uuid']}",
            headers=headers,
            base_url=f"http://{TENANT_HOST}",
        ).json
        assert (signing["state"], signing["signed"]) == ("done", args.subjects), json.dumps(signing)
        # The same answers, read alone and with their audit heads, in the same round.
        read_seconds += [read_answers(app, subjects, False) for _ in range(args.reads)]
        head_seconds += [read_answers(app, subjects, True) for _ in range(args.reads)]

    signing_s = statistics.median(sign_seconds)
    reading_s = statistics.median(read_seconds)
    emit(
        {
            "bulk_sign_seconds": round(signing_s, 3),
            "read_answers_seconds": round(reading_s, 4),
            "sign_to_read_ratio": round(signing_s / reading_s, 1),
            "read_answers_with_audit_heads_seconds": round(statistics.median(head_seconds), 4),
            "casebooks": args.subjects,
            "answers": args.subjects * len(ANSWERED),
            "rounds": args.rounds,
        }
    )


if __name__ == "__main__":
    main()
