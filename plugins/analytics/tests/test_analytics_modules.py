"""The dashboards of the modules a tenant may have: source data verification (monitoring)
and ePRO compliance, on known data, per center; absent modules answer 404."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import db
from plugins.analytics.tests.support import Trial, svg_texts
from plugins.epro.api import Occurrence, OccurrenceStatus
from plugins.subjects.api import SubjectInStudy

DIARY: dict[str, Any] = {
    "code": "DIARY",
    "title": {"en": "Diary"},
    "blocks": [{"kind": "question", "code": "pain", "type": "yes_no", "required": True}],
    "channels": ["email"],
    "schedule": {"days": [0, 7], "send_time": "09:00", "window_hours": 24, "available_hours": 48},
    "reminders": {"every_hours": 6, "max": 1, "quiet_start": "21:00", "quiet_end": "08:00"},
}


def test_without_the_modules_their_dashboards_are_absent(trial: Trial):
    for path in ("verification", "verification.svg", "epro", "epro.svg"):
        answer: Any = trial.get(path)
        assert answer.status_code == 404, path
        assert answer.json["error"]["internal_name"] == "MODULE_NOT_USED"


def test_verification_progress_per_center(trial: Trial, enable_plugins):
    enable_plugins(trial.tenant, "monitoring")
    plan: Any = trial.manager.post(
        "/api/monitoring/verification/plans/",
        json={"kind": "all_items", "effective_from": "2026-01-01"},
        headers=trial.headers,
    )
    assert plan.status_code == 201, plan.json
    paris = trial.subject("PAR", "2026-01-05")
    trial.answer(paris, "Screening", {"eligible": True, "consented": True})
    lyon = trial.subject("LYO", "2026-01-05")
    trial.answer(lyon, "Screening", {"eligible": True}, center="LYO")
    verified: Any = trial.monitor.post(
        f"/api/monitoring/verification/subjects/{paris}/items/eligible", headers=trial.headers
    )
    assert verified.status_code == 201, verified.json

    answer: Any = trial.get("verification")
    assert answer.status_code == 200, answer.json
    study = answer.json["study"]
    assert (study["required"], study["verified"], study["completion"]) == (3, 1, 0.3333)
    by_center = {c["center_code"]: (c["required"], c["verified"]) for c in answer.json["centers"]}
    assert by_center == {"LYO": (1, 0), "PAR": (2, 1)}
    lyon_only: Any = trial.get("verification", by=trial.lyon_investigator)
    assert [c["center_code"] for c in lyon_only.json["centers"]] == ["LYO"]
    assert lyon_only.json["study"]["required"] == 1

    texts = svg_texts(trial.get("verification.svg").data)
    assert {"Source data verification", "Required", "Verified", "PAR", "LYO", "2", "1"} <= set(
        texts
    )


def _occurrences(trial: Trial, subject: str) -> dict[int, Occurrence]:
    participation = sa.select(SubjectInStudy.id).where(SubjectInStudy.uuid == uuid.UUID(subject))
    rows = db.session.execute(
        sa.select(Occurrence).where(
            Occurrence.subject_in_study_id == participation.scalar_subquery()
        )
    ).scalars()
    return {row.day: row for row in rows}


def test_epro_compliance_per_questionnaire_and_center(trial: Trial, enable_plugins):
    enable_plugins(trial.tenant, "epro")
    created: Any = trial.manager.post(
        "/api/epro/questionnaires/", json=DIARY, headers=trial.headers
    )
    assert created.status_code == 201, created.json
    paris = trial.subject("PAR", "2030-03-04")
    lyon = trial.subject("LYO", "2030-03-04")
    hour = dt.timedelta(hours=1)
    with trial.in_tenant():  # what subjects did, as the occurrences record it
        on_time, late = _occurrences(trial, paris)[0], _occurrences(trial, paris)[7]
        for occurrence, completed_at in (
            (on_time, on_time.due_at - hour),
            (late, late.due_at + hour),
        ):
            occurrence.transition_to(OccurrenceStatus.SENT)
            db.session.flush()
            occurrence.transition_to(OccurrenceStatus.COMPLETED)
            occurrence.completed_at = completed_at
        _occurrences(trial, lyon)[0].transition_to(OccurrenceStatus.EXPIRED)

    answer: Any = trial.get("epro")
    assert answer.status_code == 200, answer.json
    (diary,) = answer.json["questionnaires"]
    figures = (diary["done"], diary["late"], diary["missed"], diary["open"], diary["compliance"])
    assert (diary["code"], figures) == ("DIARY", (1, 1, 1, 0, 0.3333))
    by_center = {c["center_code"]: (c["done"], c["late"], c["missed"]) for c in diary["centers"]}
    assert by_center == {"LYO": (0, 0, 1), "PAR": (1, 1, 0)}
    lyon_only: Any = trial.get("epro", by=trial.lyon_investigator)
    (seen,) = lyon_only.json["questionnaires"]
    assert (seen["done"], seen["late"], seen["missed"]) == (0, 0, 1)

    texts = svg_texts(trial.get("epro.svg").data)
    assert {"ePRO compliance", "DIARY", "Done", "Late", "Missed", "1"} <= set(texts)
