"""Runs: each trigger fires once per event, the actions done are recorded (or why they
failed), tasks reach the role at the subject's center, the loop guard holds at run time."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import time_machine

from datacapt.testing import emails_to, run_tick, tenant_client, tenant_host
from datacapt.toolkit import tenant_context
from plugins.automations.tests.support import TASK_ON_INCLUSION, TASKS, Site


def test_inclusion_fires_once_and_the_task_reaches_the_role_at_the_center(site: Site) -> None:
    rule = site.rule(TASK_ON_INCLUSION)
    subject = site.subject()
    site.include(subject, days_ago=1)  # the same inclusion, its date corrected: no new run
    runs = site.runs()
    assert [(r["status"], r["trigger"]["kind"], r["version"]) for r in runs] == [
        ("done", "subject_included", 1)
    ]
    assert runs[0]["rule"] == rule["uuid"] and runs[0]["subject"] == subject
    (task,) = site.tasks(site.investigator)
    assert task["title"] == "Call the subject" and task["subject"] == subject
    assert site.tasks(site.lyon_investigator) == []  # another center
    assert site.tasks(site.monitor) == []  # another role
    closed: Any = site.investigator.post(
        f"{TASKS}{task['uuid']}/close", json={"note": "Called"}, headers=site.headers
    )
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again: Any = site.investigator.post(
        f"{TASKS}{task['uuid']}/close", json={"note": "Called"}, headers=site.headers
    )
    assert again.status_code == 409 and again.json["error"]["internal_name"] == "TASK_CLOSED"


def test_a_section_completed_fires_once(site: Site) -> None:
    site.rule(
        {
            "name": "Visit 1 done",
            "trigger": {"kind": "section_completed", "section": site.sections["Visit 1"]},
            "actions": [{"kind": "create_task", "role": "investigator", "title": "Book visit 2"}],
        }
    )
    subject = site.subject()
    site.answer(subject, "Screening", {"eligible": True})  # another section: nothing
    assert site.runs() == []
    site.answer(subject, "Visit 1", {"visit1_done": True})
    site.answer(subject, "Visit 1", {"visit1_done": False})  # still complete: same event
    runs = site.runs()
    assert len(runs) == 1 and runs[0]["trigger"]["section"] == site.sections["Visit 1"]


def test_an_answer_matching_the_condition_raises_a_query_once(site: Site) -> None:
    site.rule(
        {
            "name": "Heavy subjects",
            "trigger": {"kind": "answer_matches", "condition": {">": [{"var": "weight"}, 100]}},
            "actions": [{"kind": "raise_query", "message": "Weight above 100 kg?"}],
        }
    )
    subject = site.subject()
    site.answer(subject, "Screening", {"weight": 80})
    assert site.runs() == []
    site.answer(subject, "Screening", {"weight": 120})
    site.answer(subject, "Screening", {"weight": 130})  # still matching: not a new event
    (run,) = site.runs()
    assert run["status"] == "done" and run["outcome"][0]["kind"] == "raise_query"
    queries: Any = site.monitor.get(
        "/api/monitoring/queries/", query_string={"subject": subject}, headers=site.headers
    )
    assert [q["message"] for q in queries.json] == ["Weight above 100 kg?"]


def test_a_failed_run_records_why_and_does_nothing(site: Site) -> None:
    site.rule(
        {
            "name": "Tell the data managers",
            "trigger": {"kind": "subject_included"},
            "actions": [
                {"kind": "create_task", "role": "investigator", "title": "Call"},
                {
                    "kind": "send_message",
                    "template": "automations.staff_notice",
                    "role": "data_manager",
                    "title": "New subject",
                    "text": "Included",
                },
            ],
        }
    )
    site.subject()
    (run,) = site.runs()
    assert run["status"] == "failed"
    assert run["error"].startswith("send_message:") and "data_manager" in run["error"]
    assert run["outcome"] == []
    assert site.tasks(site.investigator) == []  # the task before it was undone


def test_an_unexpected_error_fails_the_run_saying_only_its_kind(site: Site, monkeypatch) -> None:
    from plugins.automations.runs import actions

    def breaks(action, ctx):
        raise RuntimeError("value 'secret answer' broke it")

    monkeypatch.setattr(actions, "perform", breaks)
    site.rule(
        {
            "name": "Call",
            "trigger": {"kind": "subject_included"},
            "actions": [{"kind": "create_task", "role": "investigator", "title": "Call"}],
        }
    )
    site.subject()
    (run,) = site.runs()
    assert run["status"] == "failed"
    assert run["error"] == "An unexpected error stopped the run (RuntimeError)."
    assert site.tasks(site.investigator) == []


def test_a_message_goes_to_the_role_at_the_subject_s_center(site: Site) -> None:
    site.rule(
        {
            "name": "Tell the site",
            "trigger": {"kind": "subject_included"},
            "actions": [
                {
                    "kind": "send_message",
                    "template": "automations.staff_notice",
                    "role": "investigator",
                    "title": "New subject",
                    "text": "Please call them",
                }
            ],
        }
    )
    site.subject(center="LYO")
    (run,) = site.runs()
    assert run["status"] == "done"
    assert len(run["outcome"][0]["notifications"]) == 1


def test_a_query_open_for_days_fires_once_and_rules_do_not_chase_each_other(
    site: Site, app
) -> None:
    site.rule(
        {
            "name": "Remind the site",
            "trigger": {"kind": "query_open", "days": 3},
            "actions": [{"kind": "create_task", "role": "investigator", "title": "Answer it"}],
        }
    )
    site.rule(
        {
            "name": "Heavy subjects",
            "trigger": {"kind": "answer_matches", "condition": {">": [{"var": "weight"}, 100]}},
            "actions": [{"kind": "raise_query", "message": "Weight above 100 kg?"}],
        }
    )
    subject = site.subject()
    site.answer(subject, "Screening", {"weight": 120})
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    path = ("datacapt.jobs.cron.tick", "plugins.automations.jobs.open_queries")
    with time_machine.travel(later, tick=False), app.app_context():
        run_tick(*path, "automations", "default")
        run_tick(*path, "automations", "default")
    runs = site.runs()
    assert [r["trigger"]["kind"] for r in runs] == ["query_open", "answer_matches"]
    assert runs[0]["depth"] == 1 and runs[0]["status"] == "done"


def test_a_subject_who_withdrew_is_not_contacted_by_a_rule(site: Site, app) -> None:
    site.rule(
        {
            "name": "Nudge the subject",
            "trigger": {"kind": "query_open", "days": 3},
            "actions": [
                {
                    "kind": "send_message",
                    "template": "automations.subject_message",
                    "title": "Your study",
                    "text": "Please call the site",
                }
            ],
        }
    )
    site.rule(
        {
            "name": "Heavy subjects",
            "trigger": {"kind": "answer_matches", "condition": {">": [{"var": "weight"}, 100]}},
            "actions": [{"kind": "raise_query", "message": "Weight above 100 kg?"}],
        }
    )
    added: Any = site.investigator.post(
        "/api/subjects/",
        json={"center": site.centers["PAR"], "personal_data": {"email": "ann@example.org"}},
        headers=site.headers,
    )
    subject = added.json["uuid"]
    site.include(subject)
    site.answer(subject, "Screening", {"weight": 120})  # a query raised, still open
    withdrawn: Any = site.investigator.patch(
        f"/api/subjects/{subject}",
        json={"status": "withdrawn", "end_reason": "Moved abroad"},
        headers=site.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.json
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    with time_machine.travel(later, tick=False), app.app_context():
        run_tick(
            "datacapt.jobs.cron.tick",
            "plugins.automations.jobs.open_queries",
            "automations",
            "default",
        )
    (nudge,) = site.runs(status="failed")
    assert nudge["trigger"]["kind"] == "query_open" and "withdrawn" in nudge["error"]
    with app.app_context(), tenant_context(site.tenant):
        assert emails_to("ann@example.org") == []


def test_a_task_closed_twice_at_once_is_closed_once(site: Site, app) -> None:
    site.rule(TASK_ON_INCLUSION)
    site.subject()
    (task,) = site.tasks(site.investigator)
    host = tenant_host(app, site.tenant)
    clients = []
    for _ in range(3):
        client = tenant_client(app).for_host(host)
        client.token = site.investigator.token
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)

    def close(index: int) -> None:
        barrier.wait()
        answers[index] = clients[index].post(
            f"{TASKS}{task['uuid']}/close", json={"note": f"Note {index}"}, headers=site.headers
        )

    threads = [threading.Thread(target=close, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 409, 409], [a.json for a in answers]


def test_a_save_reads_nothing_more_where_no_rule_follows_answers(site: Site, monkeypatch) -> None:
    site.rule(TASK_ON_INCLUSION)  # a rule, but not of answers

    def unexpected(*_args: Any) -> None:
        raise AssertionError("the answers were read for no rule")

    monkeypatch.setattr("plugins.automations.receivers.subject_answers", unexpected)
    subject = site.subject()
    site.answer(subject, "Screening", {"eligible": True})
    assert [r["trigger"]["kind"] for r in site.runs()] == ["subject_included"]
