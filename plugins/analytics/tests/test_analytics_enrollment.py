"""Enrollment over time: known inclusions give known series per center, cumulated from
the study's first inclusion, against the targets; the chart carries the same numbers;
a caller limited to a center sees only it; bad periods are refused."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.analytics.tests.support import Trial, svg_texts


@pytest.fixture
def enrolled(trial: Trial) -> Trial:
    for included in ("2026-01-05", "2026-01-20", "2026-03-02"):
        trial.subject("PAR", included)
    trial.subject("PAR")  # in screening: not enrolled
    trial.subject("LYO", "2026-02-10")
    for body in ({"subjects": 10, "target_date": "2026-12-31"}, {"subjects": 6, "center": "PAR"}):
        if "center" in body:
            body["center"] = trial.centers["PAR"]
        created: Any = trial.manager.post(
            "/api/analytics/targets/", json=body, headers=trial.headers
        )
        assert created.status_code == 201, created.json
    return trial


def _series(figures: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(p["period"], p["enrolled"], p["cumulative"]) for p in figures["series"]]


def test_monthly_enrollment_per_center_against_the_targets(enrolled: Trial):
    answer = enrolled.get(
        "enrollment", {"interval": "month", "from": "2026-01-01", "to": "2026-03-31"}
    )
    assert answer.status_code == 200, answer.json
    figures = answer.json
    assert (figures["interval"], figures["from"], figures["to"]) == (
        "month",
        "2026-01-01",
        "2026-03-31",
    )
    study = figures["study"]
    assert (study["enrolled"], study["target"], study["target_date"], study["progress"]) == (
        4,
        10,
        "2026-12-31",
        0.4,
    )
    assert _series(study) == [("2026-01-01", 2, 2), ("2026-02-01", 1, 3), ("2026-03-01", 1, 4)]
    by_code = {center["center_code"]: center for center in figures["centers"]}
    assert list(by_code) == ["LYO", "PAR"]
    assert (by_code["PAR"]["enrolled"], by_code["PAR"]["target"], by_code["PAR"]["progress"]) == (
        3,
        6,
        0.5,
    )
    assert _series(by_code["PAR"]) == [
        ("2026-01-01", 2, 2),
        ("2026-02-01", 0, 2),
        ("2026-03-01", 1, 3),
    ]
    assert (by_code["LYO"]["target"], by_code["LYO"]["progress"]) == (None, None)
    assert _series(by_code["LYO"]) == [
        ("2026-01-01", 0, 0),
        ("2026-02-01", 1, 1),
        ("2026-03-01", 0, 1),
    ]


def test_weekly_periods_start_on_monday_and_count_what_came_before(enrolled: Trial):
    # 2026-02-01 is a Sunday: its week began on Monday 26 January.
    answer = enrolled.get(
        "enrollment", {"interval": "week", "from": "2026-02-01", "to": "2026-02-15"}
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["from"] == "2026-01-26"
    assert _series(answer.json["study"]) == [
        ("2026-01-26", 0, 2),
        ("2026-02-02", 0, 2),
        ("2026-02-09", 1, 3),
    ]


def test_the_series_starts_at_the_first_inclusion_by_default(enrolled: Trial):
    answer = enrolled.get("enrollment", {"to": "2026-02-28"})
    assert answer.status_code == 200, answer.json
    assert answer.json["from"] == "2026-01-01"
    assert _series(answer.json["study"]) == [("2026-01-01", 2, 2), ("2026-02-01", 1, 3)]


def test_a_member_of_one_center_sees_only_its_enrollment(enrolled: Trial):
    answer = enrolled.get(
        "enrollment", {"from": "2026-01-01", "to": "2026-03-31"}, by=enrolled.lyon_investigator
    )
    assert answer.status_code == 200, answer.json
    assert [center["center_code"] for center in answer.json["centers"]] == ["LYO"]
    assert answer.json["study"]["enrolled"] == 1
    chart = enrolled.get(
        "enrollment.svg", {"from": "2026-01-01", "to": "2026-03-31"}, by=enrolled.lyon_investigator
    )
    assert "PAR" not in svg_texts(chart.data)


def test_the_chart_draws_the_cumulative_series_and_the_target(enrolled: Trial):
    answer = enrolled.get("enrollment.svg", {"from": "2026-01-01", "to": "2026-03-31"})
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    texts = svg_texts(answer.data)
    assert {"Enrollment", "LYO", "PAR", "All centers", "Target"} <= set(texts)
    assert {"2026-01-01", "2026-02-01", "2026-03-01"} <= set(texts)
    # The values printed on the lines: the study's 2, 3, 4 and the target 10.
    assert {"2", "3", "4", "10"} <= set(texts)


BAD_PERIODS = [
    ({"interval": "year"}, "VALIDATION_FAILED"),
    ({"from": "2026-13-01"}, "VALIDATION_FAILED"),
    ({"to": "yesterday"}, "VALIDATION_FAILED"),
    ({"from": "2026-03-01", "to": "2026-02-01"}, "PERIOD_INVALID"),
    ({"interval": "week", "from": "1990-01-01", "to": "2026-01-01"}, "PERIOD_TOO_LONG"),
]


def test_bad_periods_are_refused(trial: Trial):
    for query, internal_name in BAD_PERIODS:
        for path in ("enrollment", "enrollment.svg"):
            answer = trial.get(path, query)
            assert answer.status_code == 422, (query, answer.json)
            assert answer.json["error"]["internal_name"] == internal_name, answer.json
