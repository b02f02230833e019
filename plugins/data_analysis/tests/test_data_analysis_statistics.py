"""Descriptive statistics and cross-tabulations through the REST API, on a known data set
whose figures are worked out by hand below: numbers and choices, by visit, by center, by
arm only for the unblinded; centers and tenants; bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugins.data_analysis.tests.support import STATISTICS, Trial


def figures(answer: Any, code: str) -> dict[str, Any]:
    assert answer.status_code == 200, answer.json
    for section in answer.json["sections"]:
        for question in section["questions"]:
            if question["code"] == code:
                return question
    raise AssertionError(f"no statistics of {code}")


def counts(stats: dict[str, Any]) -> dict[Any, tuple[int, float | None]]:
    return {c["value"]: (c["count"], c["percent"]) for c in stats["choices"]}


def error(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json["error"]["internal_name"]


def test_numbers_have_their_known_statistics(trial: Trial):
    # Ages 20 30 40 50 60 80 and a subject without: mean 280/6; deviations from it squared
    # add up to 2333.33, over n - 1 = 5: variance 466.67; type 7 quartiles: rank
    # (n - 1) p from 0, so q1 = 30 + 0.25 x 10 and q3 = 50 + 0.75 x 10.
    age = figures(trial.statistics(), "age")["overall"]
    assert (age["kind"], age["n"], age["missing"]) == ("number", 6, 1)
    assert age["mean"] == pytest.approx(46.6667, abs=1e-4)
    assert age["sd"] == pytest.approx((2333.3333 / 5) ** 0.5, abs=1e-4)
    assert (age["median"], age["q1"], age["q3"], age["min"], age["max"]) == (
        45,
        32.5,
        57.5,
        20,
        80,
    )
    answer = trial.statistics()
    assert answer.json["subjects"] == 7 and "type 7" in answer.json["quartiles"]
    # The visit's questions under its section; a text question is not analysed.
    titles = [(s["title"], [q["code"] for q in s["questions"]]) for s in answer.json["sections"]]
    assert titles == [("Screening", ["age", "sex", "smoker", "symptoms"]), ("Week 4", ["weight"])]
    weight = figures(answer, "weight")["overall"]
    assert (weight["n"], weight["missing"], weight["mean"], weight["sd"]) == (0, 7, None, None)


def test_choices_have_their_counts_and_percentages_with_labels(trial: Trial):
    sex = figures(trial.statistics(), "sex")["overall"]
    assert (sex["kind"], sex["n"], sex["missing"]) == ("choice", 6, 1)
    assert counts(sex) == {"F": (4, 66.67), "M": (2, 33.33)}
    assert [c["label"] for c in sex["choices"]] == ["Female", "Male"]
    smoker = figures(trial.statistics(), "smoker")["overall"]
    assert counts(smoker) == {True: (2, 40.0), False: (3, 60.0)}
    # Of the two who answered: each percentage is of respondents.
    symptoms = figures(trial.statistics(), "symptoms")["overall"]
    assert (symptoms["n"], counts(symptoms)) == (2, {"a": (2, 100.0), "b": (1, 50.0)})


def test_by_visit_by_center_and_for_one_question(trial: Trial):
    only = trial.statistics(section=trial.sections[1])
    assert [s["title"] for s in only.json["sections"]] == ["Week 4"]
    one = trial.statistics(question="age", by="center")
    assert [q["code"] for s in one.json["sections"] for q in s["questions"]] == ["age"]
    groups = {g["group"]["code"]: g for g in figures(one, "age")["groups"]}
    # Paris: 30 40 50 60, mean 45, variance 500 / 3; Lyon: 20 80 and one missing.
    assert (groups["PAR"]["n"], groups["PAR"]["mean"], groups["PAR"]["missing"]) == (4, 45, 0)
    assert groups["PAR"]["sd"] == pytest.approx((500 / 3) ** 0.5)
    assert (groups["PAR"]["q1"], groups["PAR"]["q3"]) == (37.5, 52.5)
    assert (groups["LYO"]["n"], groups["LYO"]["mean"], groups["LYO"]["missing"]) == (2, 50, 1)
    assert groups["PAR"]["group"]["center"] == trial.centers["PAR"]


def test_an_investigator_analyses_only_the_subjects_of_the_centers_seen(trial: Trial):
    answer = trial.statistics(trial.investigator, by="center")
    assert answer.json["subjects"] == 4
    age = figures(answer, "age")
    assert (age["overall"]["n"], age["overall"]["mean"]) == (4, 45)
    assert [g["group"]["code"] for g in age["groups"]] == ["PAR"]
    table = trial.cross_tabulation(trial.investigator, row="sex", column="smoker")
    assert table.json["n"] == 4


def test_the_cross_tabulation_counts_pairs_with_row_and_column_percentages(trial: Trial):
    # Answered both: F/yes twice, F/no once, M/no twice (Lyon's second subject has no
    # smoking answer): rows F 3, M 2; columns yes 2, no 3.
    answer = trial.cross_tabulation(row="sex", column="smoker")
    assert answer.status_code == 200, answer.json
    cells = {
        (c["row"], c["column"]): (c["count"], c["row_percent"], c["column_percent"], c["percent"])
        for c in answer.json["cells"]
    }
    assert answer.json["n"] == 5
    assert cells == {
        ("F", True): (2, 66.67, 100.0, 40.0),
        ("F", False): (1, 33.33, 33.33, 20.0),
        ("M", True): (0, 0.0, 0.0, 0.0),
        ("M", False): (2, 100.0, 66.67, 40.0),
    }
    assert [(t["value"], t["count"]) for t in answer.json["row_totals"]] == [("F", 3), ("M", 2)]
    assert [(t["label"], t["count"]) for t in answer.json["column_totals"]] == [
        ("Yes", 2),
        ("No", 3),
    ]


def test_blinded_callers_get_no_arm_breakdown(trial, enable_plugins, tenant, client_as, join_study):
    assert error(trial.statistics(by="arm")) == (403, "ARM_NOT_SHOWN")
    enable_plugins(tenant, "randomizations")
    assert error(trial.statistics(by="arm")) == (403, "ARM_NOT_SHOWN")
    role: Any = client_as(tenant).post(
        "/api/roles/",
        json={
            "name": "unblinded_statistician",
            "permissions": ["data_analysis.access", "randomizations.view_arms"],
        },
    )
    assert role.status_code == 201, role.json
    statistician = join_study(trial.headers, tenant, "unblinded_statistician")
    answer = trial.statistics(statistician, question="age", by="arm")
    # Nobody is randomized yet: every subject falls in the group of no arm.
    (group,) = figures(answer, "age")["groups"]
    assert (group["group"], group["n"]) == ({"arm": None}, 6)


def test_who_may_analyse(trial: Trial):
    assert error(trial.statistics(trial.viewer)) == (403, "PERMISSION_DENIED")
    assert error(trial.cross_tabulation(trial.viewer, row="sex", column="sex")) == (
        403,
        "PERMISSION_DENIED",
    )


def test_another_tenant_sees_nothing(trial, enable_plugins, client_as, other_tenant):
    enable_plugins(other_tenant, "data_analysis")
    outsider = client_as(other_tenant, "administrator")
    created: Any = outsider.post("/api/studies/", json={"reference": "O", "name": "O"})
    theirs = outsider.get(STATISTICS, headers=trial.headers)
    assert error(theirs) == (404, "STUDY_NOT_FOUND")
    own = outsider.get(STATISTICS, headers={"Study-Uuid": created.json["uuid"]})
    assert own.status_code == 200 and (own.json["subjects"], own.json["sections"]) == (0, [])


def test_bad_input_is_refused(trial: Trial):
    assert trial.statistics(by="visit").status_code == 422
    assert trial.statistics(section="nope").status_code == 422
    assert trial.statistics(colour="red").status_code in (400, 422)
    assert error(trial.statistics(question="height")) == (422, "QUESTION_UNKNOWN")
    assert error(trial.statistics(question="note")) == (422, "QUESTION_NOT_ANALYSABLE")
    assert error(trial.cross_tabulation(row="age", column="sex")) == (
        422,
        "QUESTION_NOT_ANALYSABLE",
    )
    assert error(trial.cross_tabulation(row="sex", column="symptoms")) == (
        422,
        "QUESTION_NOT_ANALYSABLE",
    )
    assert error(trial.cross_tabulation(row="sex", column="height")) == (422, "QUESTION_UNKNOWN")
    assert trial.cross_tabulation(row="sex").status_code == 422


def test_numbers_beyond_a_double_give_json_that_a_client_reads(trial: Trial):
    added: Any = trial.investigator.post(
        "/api/subjects/", json={"center": trial.centers["PAR"]}, headers=trial.headers
    )
    assert added.status_code == 201, added.json
    url = f"/api/ecrf/subjects/{added.json['uuid']}/sections/{trial.sections[1]}"
    etag = trial.investigator.get(url, headers=trial.headers).headers["ETag"]
    saved: Any = trial.investigator.put(
        url, json={"answers": {"weight": "1E+400"}}, headers={**trial.headers, "If-Match": etag}
    )
    assert saved.status_code == 200, saved.json
    answer = trial.statistics(question="weight")
    assert answer.status_code == 200

    def refused(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    body = json.loads(answer.get_data(as_text=True), parse_constant=refused)
    (weight,) = [q["overall"] for s in body["sections"] for q in s["questions"]]
    assert (weight["n"], weight["mean"], weight["max"]) == (1, None, None)
