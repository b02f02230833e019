"""The visit schedule: planned visits follow the inclusion date, a visit done records its
date, one out of its window is flagged (and raises a deviation query with monitoring)."""

from __future__ import annotations

from typing import Any

from plugins.calendar_app.tests.support import BASE, Trial, days, paris_today


def test_planned_visits_move_with_the_inclusion_date(trial: Trial):
    trial.schedule()
    subject = trial.subject(inclusion="2030-03-04")
    visits = trial.visits(subject)
    assert visits["Screening"]["target_on"] == "2030-03-04"
    assert (visits["Visit 1"]["earliest_on"], visits["Visit 1"]["target_on"]) == (
        "2030-03-16",
        "2030-03-18",
    )
    assert visits["Visit 2"]["target_on"] == "2030-04-15"  # 28 days after visit 1
    trial.include(subject, "2030-03-11")
    moved = trial.visits(subject)
    assert moved["Visit 1"]["target_on"] == "2030-03-25"
    assert moved["Visit 2"]["target_on"] == "2030-04-22"
    assert all(v["actual_on"] is None and not v["out_of_window"] for v in moved.values())


def test_a_visit_done_records_its_date_and_out_of_window_is_flagged(trial: Trial):
    trial.schedule()
    today = paris_today()
    subject = trial.subject(inclusion=days(today, -13))  # visit 1: tomorrow, within 2 days
    trial.answer(subject, "Visit 1")
    visits = trial.visits(subject)
    assert visits["Visit 1"]["actual_on"] == days(today, 0)
    assert not visits["Visit 1"]["out_of_window"]
    assert visits["Visit 2"]["target_on"] == days(today, 28)  # from the done date
    trial.answer(subject, "Visit 2")  # four weeks early
    visit2 = trial.visits(subject)["Visit 2"]
    assert (visit2["actual_on"], visit2["out_of_window"]) == (days(today, 0), True)
    assert visit2["deviation_query"] is None  # no monitoring in this tenant
    flagged: Any = trial.monitor.get(f"{BASE}/visits/?out_of_window=true", headers=trial.headers)
    assert [(v["subject"], v["name"]) for v in flagged.json] == [(subject, "Visit 2")]
    # A schedule with a wider window takes the flag back.
    visits_again = trial.schedule_visits()
    visits_again[2]["days_before"] = 30
    trial.schedule(visits_again)
    assert trial.visits(subject)["Visit 2"]["out_of_window"] is False


def test_out_of_window_raises_a_deviation_query_where_monitoring_is_enabled(
    trial: Trial, enable_plugins
):
    enable_plugins(trial.tenant, "monitoring")
    trial.schedule()
    subject = trial.subject(inclusion=days(paris_today(), -60))
    trial.answer(subject, "Visit 1")
    visit = trial.visits(subject)["Visit 1"]
    assert visit["out_of_window"] and visit["deviation_query"]
    query: Any = trial.monitor.get(
        f"/api/monitoring/queries/{visit['deviation_query']}", headers=trial.headers
    )
    assert query.status_code == 200, query.json
    assert "Protocol deviation: visit Visit 1" in str(query.json)
    # Saving the section again raises no second query.
    trial.answer(subject, "Visit 1", value=False)
    assert trial.visits(subject)["Visit 1"]["deviation_query"] == visit["deviation_query"]


def test_a_subject_without_inclusion_date_has_no_planned_visit(trial: Trial):
    trial.schedule()
    subject = trial.subject(inclusion=None)
    assert trial.visits(subject) == {}


def test_a_bad_schedule_is_refused_whole(trial: Trial):
    trial.schedule()
    before: Any = trial.manager.get(f"{BASE}/schedule", headers=trial.headers)
    circle = [
        {"section": trial.sections["Visit 1"], "day": 1, "relative_to": trial.sections["Visit 2"]},
        {"section": trial.sections["Visit 2"], "day": 1, "relative_to": trial.sections["Visit 1"]},
    ]
    for visits in (
        circle,
        [{"section": trial.sections["Visit 1"], "day": 1}] * 2,
        [{"section": "5b3c4f1e-0000-4000-8000-000000000000", "day": 1}],
        [{"section": trial.sections["Visit 1"], "day": 1, "days_before": -1}],
    ):
        refused: Any = trial.manager.put(
            f"{BASE}/schedule", json={"visits": visits}, headers=trial.headers
        )
        assert refused.status_code == 422, refused.json
    after: Any = trial.manager.get(f"{BASE}/schedule", headers=trial.headers)
    assert after.json == before.json


def test_only_schedule_managers_write_it_and_the_team_reads_it(trial: Trial):
    refused: Any = trial.investigator.put(
        f"{BASE}/schedule", json={"visits": []}, headers=trial.headers
    )
    assert refused.status_code == 403
    trial.schedule()
    read: Any = trial.viewer.get(f"{BASE}/schedule", headers=trial.headers)
    assert [v["name"] for v in read.json["visits"]] == ["Screening", "Visit 1", "Visit 2"]


def test_planned_visits_of_a_center_are_seen_only_there(trial: Trial):
    trial.schedule()
    paris = trial.subject("PAR")
    lyon = trial.subject("LYO")
    seen: Any = trial.lyon_investigator.get(f"{BASE}/visits/", headers=trial.headers)
    assert {v["subject"] for v in seen.json} == {lyon}
    hidden: Any = trial.lyon_investigator.get(
        f"{BASE}/visits/?subject={paris}", headers=trial.headers
    )
    assert hidden.status_code == 404
