"""Visit completion and query ageing on known data: the figures per section, center,
status and age bucket, the charts carrying them, and a member of one center seeing only
its own."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import db, utcnow
from plugins.analytics.tests.support import Trial, svg_texts
from plugins.ecrf.api import DataQuery, QueryStatus
from plugins.subjects.api import SubjectInStudy


def _figures(row: dict[str, Any]) -> tuple[int, int, int]:
    return row["expected"], row["started"], row["complete"]


def test_visit_completion_per_section_and_center(trial: Trial):
    complete = trial.subject("PAR", "2026-01-05")
    trial.answer(complete, "Screening", {"eligible": True, "consented": True})
    trial.answer(complete, "Visit 1", {"visit1_done": True})
    partial = trial.subject("PAR", "2026-01-06")
    trial.answer(partial, "Screening", {"eligible": True})
    failure = trial.subject("PAR")
    trial.answer(failure, "Screening", {"eligible": False, "consented": True})
    trial.exclude(failure)  # a screening failure is expected at no visit
    trial.subject("LYO")

    answer: Any = trial.get("visits")
    assert answer.status_code == 200, answer.json
    screening, visit = answer.json["sections"]
    assert (screening["title"], visit["title"]) == (
        {"en": "Screening", "fr": "Sélection"},
        {"en": "Visit 1"},
    )
    assert (_figures(screening), screening["completion"]) == ((3, 2, 1), 0.3333)
    assert _figures(visit) == (3, 1, 1)
    by_center = {c["center_code"]: _figures(c) for c in screening["centers"]}
    assert by_center == {"LYO": (1, 0, 0), "PAR": (2, 2, 1)}

    lyon: Any = trial.get("visits", by=trial.lyon_investigator)
    assert [_figures(s) for s in lyon.json["sections"]] == [(1, 0, 0), (1, 0, 0)]
    assert [c["center_code"] for c in lyon.json["sections"][0]["centers"]] == ["LYO"]

    chart = trial.get("visits.svg", {}, by=trial.investigator)
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    texts = svg_texts(chart.data)
    assert {"Visit completion", "Screening", "Visit 1", "Expected", "Started", "Complete"} <= set(
        texts
    )
    french = trial.investigator.get(
        "/api/analytics/visits.svg", headers={**trial.headers, "Language": "fr"}
    )
    assert "Sélection" in svg_texts(french.data)


def _backdate(trial: Trial, subject: str, age: dt.timedelta, status: str | None = None) -> None:
    """The subject's open query, as if the site had it since ``age`` ago (and in ``status``)."""
    with trial.in_tenant():
        participation = sa.select(SubjectInStudy.id).where(
            SubjectInStudy.uuid == uuid.UUID(subject)
        )
        values: dict[str, Any] = {"opened_at": utcnow() - age}
        if status:
            values["status"] = status
        db.session.execute(
            sa.update(DataQuery)
            .where(
                DataQuery.subject_in_study_id == participation.scalar_subquery(),
                DataQuery.status == QueryStatus.OPEN,
            )
            .values(**values)
        )


def _with_query(trial: Trial, center: str) -> str:
    subject = trial.subject(center)
    saved = trial.answer(subject, "Screening", {"eligible": False}, center=center)
    assert [q["status"] for q in saved["queries"]] == ["open"]
    return subject


def test_query_ageing_by_bucket_center_and_status(trial: Trial):
    hour = dt.timedelta(hours=1)
    days = dt.timedelta(days=1)
    _backdate(trial, _with_query(trial, "PAR"), 7 * days + hour)  # 7 days: 0-7
    _backdate(trial, _with_query(trial, "PAR"), 8 * days + hour)  # 8 days: 8-30
    _backdate(trial, _with_query(trial, "PAR"), 120 * days, QueryStatus.ANSWERED)
    _backdate(trial, _with_query(trial, "LYO"), 45 * days)
    _with_query(trial, "LYO")  # today
    resolved = _with_query(trial, "PAR")
    trial.answer(resolved, "Screening", {"eligible": True})  # closed: no longer waiting

    answer: Any = trial.get("queries")
    assert answer.status_code == 200, answer.json
    study = answer.json["study"]
    assert study["total"] == 5
    assert study["buckets"] == {"0_7": 2, "8_30": 1, "31_90": 1, "over_90": 1}
    assert study["statuses"]["answered"] == {"0_7": 0, "8_30": 0, "31_90": 0, "over_90": 1}
    by_center = {c["center_code"]: c for c in answer.json["centers"]}
    assert by_center["PAR"]["buckets"] == {"0_7": 1, "8_30": 1, "31_90": 0, "over_90": 1}
    assert by_center["PAR"]["statuses"]["open"] == {"0_7": 1, "8_30": 1, "31_90": 0, "over_90": 0}
    assert by_center["LYO"]["buckets"] == {"0_7": 1, "8_30": 0, "31_90": 1, "over_90": 0}

    lyon: Any = trial.get("queries", by=trial.lyon_investigator)
    assert [c["center_code"] for c in lyon.json["centers"]] == ["LYO"]
    assert lyon.json["study"]["total"] == 2

    chart = trial.get("queries.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    texts = svg_texts(chart.data)
    assert {"Query ageing", "LYO", "PAR", "0-7 days", "8-30 days", "31-90 days"} <= set(texts)
    assert "Over 90 days" in texts and "1" in texts
    assert "PAR" not in svg_texts(trial.get("queries.svg", by=trial.lyon_investigator).data)
