"""Rules: saved once checked (4xx with the field), versioned, loops refused, dry runs."""

from __future__ import annotations

from typing import Any

from plugins.automations.tests.support import RULES, RUNS, TASK_ON_INCLUSION, TASKS, Site

NO_SECTION = "00000000-0000-0000-0000-000000000000"


def test_a_rule_is_saved_and_each_change_is_a_new_version(site: Site) -> None:
    rule = site.rule(TASK_ON_INCLUSION)
    assert rule["version"] == 1 and rule["current"]["trigger"] == {"kind": "subject_included"}
    changed = {**TASK_ON_INCLUSION, "name": "Welcome call (2)"}
    put: Any = site.manager.put(f"{RULES}{rule['uuid']}", json=changed, headers=site.headers)
    assert put.status_code == 200, put.json
    assert put.json["version"] == 2
    same: Any = site.manager.put(f"{RULES}{rule['uuid']}", json=changed, headers=site.headers)
    assert same.json["version"] == 2  # nothing changed: no new version
    versions: Any = site.manager.get(f"{RULES}{rule['uuid']}/versions/", headers=site.headers)
    assert [v["name"] for v in versions.json] == ["Welcome call", "Welcome call (2)"]


def _refused(site: Site, body: dict[str, Any]) -> Any:
    answer: Any = site.manager.post(RULES, json=body, headers=site.headers)
    assert answer.status_code == 422, answer.json
    listed: Any = site.manager.get(RULES, headers=site.headers)
    assert listed.json == []  # nothing written
    return answer.json["error"]


def test_bad_rules_are_refused_with_their_field(site: Site) -> None:
    unknown = _refused(site, {**TASK_ON_INCLUSION, "trigger": {"kind": "moon_full"}})
    assert unknown["internal_name"] == "RULE_INVALID" and "trigger.kind" in unknown["fields"]
    no_role = {"kind": "create_task", "role": "astronaut", "title": "x"}
    role = _refused(site, {**TASK_ON_INCLUSION, "actions": [no_role]})
    assert "actions.0.role" in role["fields"]
    bad_condition = {"kind": "answer_matches", "condition": {">": [{"var": "height"}, 2]}}
    condition = _refused(site, {**TASK_ON_INCLUSION, "trigger": bad_condition})
    assert "trigger.condition" in condition["fields"]
    section = _refused(
        site, {**TASK_ON_INCLUSION, "trigger": {"kind": "visit_done", "section": NO_SECTION}}
    )
    assert "trigger.section" in section["fields"]


def test_an_action_of_a_module_the_tenant_lacks_is_refused(site_without_monitoring: Site) -> None:
    query = {"kind": "raise_query", "message": "Check"}
    refused = _refused(site_without_monitoring, {**TASK_ON_INCLUSION, "actions": [query]})
    assert refused["internal_name"] == "RULE_PLUGIN_MISSING"
    assert refused["details"]["plugin"] == "monitoring" and "actions.0.kind" in refused["fields"]


def test_a_rule_whose_action_fires_its_own_trigger_is_refused(site: Site) -> None:
    loop = {
        "name": "Chase open queries",
        "trigger": {"kind": "query_open", "days": 7},
        "actions": [{"kind": "raise_query", "message": "Still open?"}],
    }
    refused = _refused(site, loop)
    assert refused["internal_name"] == "RULE_LOOP"
    assert "actions.0.kind" in refused["fields"]


def test_the_dry_run_says_what_would_happen_and_does_nothing(site: Site) -> None:
    rule = site.rule(
        {
            "name": "Heavy subjects",
            "active": False,  # only tried: it fires on nothing
            "trigger": {"kind": "answer_matches", "condition": {">": [{"var": "weight"}, 100]}},
            "actions": [
                {"kind": "create_task", "role": "investigator", "title": "Check the weight"},
                {"kind": "raise_query", "message": "Weight above 100 kg?", "level": "warning"},
                {
                    "kind": "send_message",
                    "template": "automations.staff_notice",
                    "role": "investigator",
                    "title": "Heavy",
                    "text": "Look at the weight",
                },
            ],
        }
    )
    subject = site.subject()
    site.answer(subject, "Screening", {"eligible": True, "weight": 120})
    tried: Any = site.manager.post(
        f"{RULES}{rule['uuid']}/dry-run", json={"subject": subject}, headers=site.headers
    )
    assert tried.status_code == 200, tried.json
    assert tried.json["trigger_holds"] is True
    kinds = [a["kind"] for a in tried.json["actions"]]
    assert kinds == ["create_task", "raise_query", "send_message"]
    assert len(tried.json["actions"][2]["would"]["recipients"]) == 1  # the Paris investigator
    assert site.runs() == []
    assert site.tasks(site.investigator) == []
    queries: Any = site.monitor.get(
        "/api/monitoring/queries/", query_string={"subject": subject}, headers=site.headers
    )
    assert queries.status_code == 200 and queries.json == []


def test_permissions(site: Site) -> None:
    denied: Any = site.investigator.post(RULES, json=TASK_ON_INCLUSION, headers=site.headers)
    assert denied.status_code == 403
    assert site.investigator.get(RUNS, headers=site.headers).status_code == 403
    assert site.investigator.get(RULES, headers=site.headers).status_code == 200
    assert site.investigator.get(TASKS, headers=site.headers).status_code == 200


def test_another_tenant_sees_nothing(site: Site, other_tenant, enable_plugins, client_as) -> None:
    rule = site.rule(TASK_ON_INCLUSION)
    enable_plugins(other_tenant, "automations")
    stranger = client_as(other_tenant)
    read: Any = stranger.get(f"{RULES}{rule['uuid']}", headers=site.headers)
    assert read.status_code in (403, 404)
    assert stranger.get(RUNS, headers=site.headers).status_code in (403, 404)
