"""Minimization through the API, and simulations before go-live: in the request when small,
as a job with its progress otherwise, with the imbalance and predictability the approval
reads."""

from __future__ import annotations

from typing import Any

from plugins.randomizations.tests.support import (
    AGE,
    CENTER,
    SEX,
    Trial,
    blocks,
    mail_bodies,
    minimization,
)


def test_minimization_through_the_api_follows_its_rule_and_replays_from_its_seed(trial: Trial):
    config = {**minimization(random_first=0, probability=1.0), "factors": [CENTER, SEX]}
    design = trial.live_design(config, "minimization")
    arms = []
    for index in range(8):
        subject = trial.subject("PAR", {"sex": "F", "smoker": False, "age": 30 + index * 6})
        randomized: Any = trial.randomize(subject, design)
        assert randomized.status_code == 201, randomized.json
        assert randomized.json["number"] == f"{index + 1:04d}" and randomized.json["arm"] is None
        shown: Any = trial.statistician.get(
            f"/api/randomizations/assignments/{randomized.json['uuid']}", headers=trial.headers
        )
        arms.append(shown.json["arm"])
        # Every subject shares both levels: always minimizing keeps the arms within one.
        assert abs(arms.count("ZORBLAX") - arms.count("QUIMBLE")) <= 1
    check = trial.verification(design)
    assert check["consistent"] is True and check["lists"][0]["assignments_checked"] == 8
    (paris_women, *_) = [
        s for s in trial.strata(design, trial.statistician).json if s["key"] == "center=PAR;sex=F"
    ]
    assert paris_women["capacity"] is None and paris_women["remaining"] is None
    assert paris_women["used"] == 8 and sum(paris_women["per_arm"].values()) == 8


SEED = "5eed" * 16


def test_a_small_simulation_answers_at_once_with_imbalance_and_predictability(trial: Trial):
    design = trial.create(blocks(factors=[CENTER, SEX], capacity=20)).json["uuid"]
    simulated: Any = trial.manager.post(
        f"{trial.version_url(design)}/simulations/",
        json={
            "trials": 50,
            "subjects": 60,
            "population": {"center": {"PAR": 3, "LYO": 1}},
            "seed": SEED,
        },
        headers=trial.headers,
    )
    assert simulated.status_code == 201, simulated.json
    body = simulated.json
    assert body["status"] == "done" and body["progress"] == 50 and body["revision"] == 1
    again: Any = trial.manager.post(
        f"{trial.version_url(design)}/simulations/",
        json={
            "trials": 50,
            "subjects": 60,
            "population": {"center": {"PAR": 3, "LYO": 1}},
            "seed": SEED,
        },
        headers=trial.headers,
    )
    assert again.json["result"] == body["result"]  # the same seed runs the same trials
    result = body["result"]
    overall = result["imbalance"]["overall"]
    assert overall["max"] <= 4 * 2  # at most half a block of 4 open in each of 4 strata
    assert {s["stratum"] for s in result["imbalance"]["strata"]} == {
        "center=PAR;sex=F",
        "center=PAR;sex=M",
        "center=LYO;sex=F",
        "center=LYO;sex=M",
    }
    assert all(s["max"] <= 2 for s in result["imbalance"]["strata"])  # blocks of 2 or 4
    assert {(f["factor"], f["level"]) for f in result["imbalance"]["factor_levels"]} == {
        ("center", "PAR"),
        ("center", "LYO"),
        ("sex", "F"),
        ("sex", "M"),
    }
    predictability = result["predictability"]
    assert predictability["chance"] == 0.5
    # Small blocks are guessed more often than chance by counting what each stratum had.
    assert 0.5 < predictability["correct_guesses"] < 0.9
    # 60 subjects, 3/4 at Paris: its strata of 20 slots run out in most trials.
    assert result["unplaced"]["subjects"] > 0
    read: Any = trial.manager.get(trial.version_url(design), headers=trial.headers)
    assert read.json["simulation"]["uuid"] == again.json["uuid"]  # the newest
    bad: Any = trial.manager.post(
        f"{trial.version_url(design)}/simulations/",
        json={"trials": 1, "subjects": 1, "population": {"center": {"NICE": 1}}},
        headers=trial.headers,
    )
    assert bad.status_code == 422 and "population" in bad.json["error"]["fields"]


def test_minimization_is_less_predictable_with_a_lower_probability(trial: Trial):
    rates = {}
    for probability in (1.0, 0.7):
        code = f"M{int(probability * 10)}"
        design = trial.create(minimization(probability=probability), "minimization", code).json[
            "uuid"
        ]
        simulated: Any = trial.simulate(design, trials=40, subjects=100)
        rates[probability] = simulated.json["result"]["predictability"]["correct_guesses"]
        assert simulated.json["result"]["unplaced"]["subjects"] == 0
    assert rates[1.0] > rates[0.7] > 0.5


def test_a_large_simulation_is_a_job_that_records_its_progress_and_tells_its_requester(
    app, tenant, trial: Trial
):
    design = trial.create(blocks(factors=[CENTER, SEX, AGE], capacity=500)).json["uuid"]
    simulated: Any = trial.simulate(design, trials=100, subjects=300)
    assert simulated.status_code == 201
    # Without Redis the job ran in process once the request committed: read it again.
    read: Any = trial.manager.get(
        f"{trial.version_url(design)}/simulations/{simulated.json['uuid']}", headers=trial.headers
    )
    assert simulated.json["status"] == "queued"
    assert read.json["status"] == "done" and read.json["progress"] == 100
    assert read.json["result"]["trials"] == 100
    assert any("is done" in body for body in mail_bodies(app, tenant, trial.manager.user.email))
    listed: Any = trial.manager.get(
        f"{trial.version_url(design)}/simulations/", headers=trial.headers
    )
    assert [s["uuid"] for s in listed.json] == [simulated.json["uuid"]]
