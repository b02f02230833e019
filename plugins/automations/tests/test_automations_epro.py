"""Rules on ePRO: a questionnaire missed fires once; a rule schedules one more occurrence,
which re-planning keeps; a rule scheduling what it follows is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from datacapt.testing import run_tick
from plugins.automations.tests.support import RULES, Site

MISSED = {"kind": "questionnaire_missed", "questionnaire": "DIARY"}


def _epro_tick(site: Site, at: dt.datetime) -> None:
    path = ("datacapt.jobs.cron.tick", "plugins.epro.delivery.send_due")
    with time_machine.travel(at, tick=False), site.app.app_context():
        run_tick(*path, "epro", "default")


def test_a_missed_questionnaire_fires_once(epro_site: Site) -> None:
    site = epro_site
    site.rule(
        {
            "name": "Missed diary",
            "trigger": MISSED,
            "actions": [{"kind": "create_task", "role": "investigator", "title": "Call about it"}],
        }
    )
    subject = site.subject()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    _epro_tick(site, later)
    _epro_tick(site, later + dt.timedelta(hours=1))
    (run,) = site.runs()
    assert run["status"] == "done" and run["trigger"]["questionnaire"] == "DIARY"
    (task,) = site.tasks(site.investigator)
    assert task["subject"] == subject


def test_a_rule_schedules_a_questionnaire_that_re_planning_keeps(epro_site: Site) -> None:
    site = epro_site
    site.rule(
        {
            "name": "Diary again",
            "trigger": {"kind": "subject_included"},
            "actions": [{"kind": "schedule_questionnaire", "questionnaire": "DIARY", "in_days": 3}],
        }
    )
    subject = site.subject()
    (run,) = site.runs()
    assert run["status"] == "done", run
    scheduled = run["outcome"][0]["occurrence"]

    def occurrences() -> dict[str, str]:
        listed: Any = site.investigator.get(
            f"/api/epro/subjects/{subject}/occurrences", headers=site.headers
        )
        assert listed.status_code == 200, listed.json
        return {o["uuid"]: o["status"] for o in listed.json}

    assert occurrences()[scheduled] == "scheduled"
    site.include(subject, days_ago=1)  # re-planned: the rule's occurrence stays
    assert occurrences()[scheduled] == "scheduled"


def test_a_rule_scheduling_the_questionnaire_it_follows_is_refused(epro_site: Site) -> None:
    site = epro_site
    loop = {
        "name": "Again and again",
        "trigger": MISSED,
        "actions": [{"kind": "schedule_questionnaire", "questionnaire": "DIARY"}],
    }
    refused: Any = site.manager.post(RULES, json=loop, headers=site.headers)
    assert refused.status_code == 422
    assert refused.json["error"]["internal_name"] == "RULE_LOOP"
    unknown = {**loop, "trigger": {"kind": "questionnaire_missed", "questionnaire": "NOPE"}}
    wrong: Any = site.manager.post(RULES, json=unknown, headers=site.headers)
    assert wrong.status_code == 422 and "trigger.questionnaire" in wrong.json["error"]["fields"]
