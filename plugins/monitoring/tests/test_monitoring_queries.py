"""Queries: raised by hand on every kind of target, the workflow and who may act, the
closed-modified flag, automatic queries closing themselves with their reason, pre-queries
the site does not see, the study's list with its filters and counts, the section read's
annotation, center and tenant isolation, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import db, tenant_context
from plugins.ecrf.api import DataQuery
from plugins.monitoring.tests.support import (
    QUERIES,
    Trial,
    act_on_query,
    question,
    raise_query,
    save_design,
)

ACTIONS = ("release", "answer", "close", "cancel", "reopen", "messages")


def query_of(trial: Trial, client: Any, uuid: str) -> Any:
    return client.get(f"{QUERIES}{uuid}", headers=trial.headers)


def listed(trial: Trial, client: Any, **filters: Any) -> Any:
    listed = client.get(QUERIES, query_string={"page_size": 100, **filters}, headers=trial.headers)
    assert listed.status_code == 200, listed.json
    return listed.json


def counts(trial: Trial, client: Any, **filters: Any) -> Any:
    counted = client.get(f"{QUERIES}counts", query_string=filters, headers=trial.headers)
    assert counted.status_code == 200, counted.json
    return counted.json


def raised(trial: Trial, client: Any = None, **fields: Any) -> Any:
    made = raise_query(trial, client, **fields)
    assert made.status_code == 201, made.json
    return made.json


def acted(trial: Trial, client: Any, query: str, action: str, text: str | None = "Done.") -> Any:
    done = act_on_query(trial, client, query, action, text)
    assert done.status_code == 200, done.json
    return done.json


def thread(query: Any) -> list[tuple[str, str | None, str | None]]:
    """Each message's action, author (None: the platform) and text."""
    return [(m["action"], m["author"], m["text"]) for m in query["messages"]]


def uuid_of(client: Any) -> str:
    return str(client.user.uuid)


def all_queries(app, tenant) -> list[str]:
    """Every query of the tenant, whatever the API shows."""
    with app.app_context(), tenant_context(tenant):
        return [str(q.uuid) for q in db.session.execute(sa.select(DataQuery)).scalars()]


@pytest.mark.requirement("E6-4.2.3")
def test_a_monitor_queries_an_answer_and_the_site_answers_it_in_the_thread(trial):
    query = raised(trial, code="weight", level="warning", message="70 kg? Source says 75.")
    assert (query["status"], query["target"], query["code"], query["origin"]) == (
        "open",
        "data_point",
        "weight",
        "manual",
    )
    assert query["section"] == trial.sections[0] and query["opened_at"] is not None
    assert query["raised_by"] == uuid_of(trial.monitor)
    assert (query["assignee_role"], query["assignee_center"]) == (
        "investigator",
        trial.centers["PAR"],
    )
    assert query["center"] == trial.centers["PAR"] and query["subject"] == trial.subject

    site = trial.read(trial.investigator).json
    assert [(q["uuid"], q["status"], q["origin"]) for q in site["queries"]] == [
        (query["uuid"], "open", "manual")
    ]
    answered = acted(trial, trial.investigator, query["uuid"], "answer", "Typo: 75 kg.")
    assert answered["status"] == "answered"
    closed = acted(trial, trial.data_manager, query["uuid"], "close", None)
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert thread(closed) == [
        ("raised", uuid_of(trial.monitor), "70 kg? Source says 75."),
        ("answered", uuid_of(trial.investigator), "Typo: 75 kg."),
        ("closed", uuid_of(trial.data_manager), None),
    ]
    assert closed["messages"][0]["author_name"] == closed["raised_by_name"]
    assert closed["raised_by_name"].startswith("Test")
    assert trial.read(trial.investigator).json["queries"] == []


def test_queries_go_on_sections_subjects_and_cells_of_repeating_groups(trial):
    saved = trial.save(trial.investigator, {"ae": [{"term": "Headache"}]}, section=1, reason=None)
    assert saved.status_code == 200, saved.json
    on_section = raised(trial, section=trial.sections[1])
    on_subject = raised(trial, level="information")
    on_cell = raised(trial, code="ae", row=0, column="term", level="exclusion")
    assert (on_section["target"], on_section["section"], on_section["code"]) == (
        "section",
        trial.sections[1],
        None,
    )
    assert (on_subject["target"], on_subject["section"]) == ("subject", None)
    assert (on_cell["target"], on_cell["row"], on_cell["column"], on_cell["section"]) == (
        "cell",
        0,
        "term",
        trial.sections[1],
    )
    week4 = trial.read(trial.investigator, section=1).json
    assert {q["uuid"] for q in week4["queries"]} == {on_section["uuid"], on_cell["uuid"]}
    assert trial.read(trial.investigator).json["queries"] == []
    annotation = week4["annotations"]["queries"]
    assert annotation["answers"]["ae"]["open"] == 1
    assert annotation["answers"]["ae"]["worst_level"] == "exclusion"
    assert (annotation["section"]["open"], annotation["subject"]["open"]) == (2, 3)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("investigator", {"answer", "messages"}),
        ("monitor", {"raise", "messages"}),
        ("data_manager", {"raise", "release", "close", "cancel", "reopen", "messages"}),
        ("viewer", set()),
    ],
)
@pytest.mark.requirement("P11-11.10g")
def test_each_action_needs_its_own_permission(trial, role, allowed):
    client = getattr(trial, role)
    assert raise_query(trial, client).status_code == (201 if "raise" in allowed else 403)
    for action in ACTIONS:
        query = raised(trial)["uuid"]
        answer = act_on_query(trial, client, query, action)
        if action not in allowed:
            assert answer.status_code == 403, (action, answer.json)
            assert answer.json["error"]["internal_name"] == "PERMISSION_DENIED"
            assert len(query_of(trial, trial.data_manager, query).json["messages"]) == 1
        else:  # an open query is neither released nor reopened
            expected = 409 if action in ("release", "reopen") else 200
            assert answer.status_code == expected, (action, answer.json)


@pytest.mark.parametrize(
    ("steps", "action", "status"),
    [
        ((), "release", "open"),
        ((), "reopen", "open"),
        (("answer",), "answer", "answered"),
        (("close",), "answer", "closed"),
        (("close",), "close", "closed"),
        (("close",), "cancel", "closed"),
        (("close",), "messages", "closed"),
        (("cancel",), "reopen", "cancelled"),
        (("cancel",), "answer", "cancelled"),
        (("cancel",), "messages", "cancelled"),
    ],
)
@pytest.mark.requirement("P11-11.10f")
def test_an_action_out_of_its_states_is_409_and_changes_nothing(trial, steps, action, status):
    query = raised(trial)["uuid"]
    clients = {"answer": trial.investigator}
    for step in steps:
        acted(trial, clients.get(step, trial.data_manager), query, step)
    before = query_of(trial, trial.data_manager, query).json
    refused = act_on_query(trial, clients.get(action, trial.data_manager), query, action)
    assert refused.status_code == 409, refused.json
    error = refused.json["error"]
    assert (error["internal_name"], error["details"]["status"]) == (
        "QUERY_TRANSITION_REFUSED",
        status,
    )
    assert query_of(trial, trial.data_manager, query).json == before


@pytest.mark.requirement("A11-9")
def test_a_closed_query_reopens_and_a_cancellation_keeps_its_reason_in_the_audit_trail(trial):
    query = raised(trial, code="height")["uuid"]
    acted(trial, trial.data_manager, query, "close", "Fine.")
    reopened = acted(trial, trial.data_manager, query, "reopen", "The source says otherwise.")
    assert (reopened["status"], reopened["closed_at"]) == ("open", None)
    cancelled = acted(trial, trial.data_manager, query, "cancel", "Raised on the wrong subject.")
    assert cancelled["status"] == "cancelled" and cancelled["closed_at"] is not None
    assert [m["action"] for m in cancelled["messages"]] == [
        "raised",
        "closed",
        "reopened",
        "cancelled",
    ]
    trail = trial.data_manager.get("/api/audit-trails/", query_string={"object": query})
    assert trail.status_code == 200, trail.json
    records = trail.json["records"]
    changes = [(r["action"], r["changes"].get("status"), r["reason"]) for r in records]
    assert changes == [
        ("create", [None, "open"], None),
        ("update", ["open", "closed"], None),
        ("update", ["closed", "open"], "The source says otherwise."),
        ("update", ["open", "cancelled"], "Raised on the wrong subject."),
    ]
    assert {r["actor_id"] for r in records[1:]} == {uuid_of(trial.data_manager)}
    assert records[0]["actor_id"] == uuid_of(trial.monitor)
    assert records[0]["question"] == "height" and records[0]["subject_id"] == trial.subject


def test_a_closed_query_is_flagged_when_the_data_it_concerns_changes(trial):
    trial.save(trial.investigator, {"ae": [{"term": "Headache"}]}, section=1, reason=None)
    queries = {
        "weight": raised(trial, code="weight"),
        "height": raised(trial, code="height"),
        "term": raised(trial, code="ae", row=0, column="term"),
        "onset": raised(trial, code="ae", row=0, column="onset"),
        "week4": raised(trial, section=trial.sections[1]),
        "screening": raised(trial, section=trial.sections[0]),
        "subject": raised(trial),
    }
    for query in queries.values():
        acted(trial, trial.data_manager, query["uuid"], "close")

    def flags() -> dict[str, bool]:
        return {
            name: query_of(trial, trial.data_manager, q["uuid"]).json["closed_modified"]
            for name, q in queries.items()
        }

    assert not any(flags().values())
    assert trial.save(trial.investigator, {"weight": "72"}).status_code == 200
    assert flags() == {
        "weight": True,
        "height": False,
        "term": False,
        "onset": False,
        "week4": False,
        "screening": True,
        "subject": True,
    }
    changed = trial.save(
        trial.investigator, {"ae": [{"term": "Migraine"}]}, section=1, reason="Diagnosis"
    )
    assert changed.status_code == 200, changed.json
    assert flags()["term"] and flags()["week4"] and not flags()["onset"]
    assert listed(trial, trial.data_manager, closed_modified="true")[0]["closed_modified"]
    annotation = trial.read(trial.data_manager).json["annotations"]["queries"]
    assert annotation["answers"]["weight"] == {
        "draft": 0,
        "open": 0,
        "answered": 0,
        "closed": 1,
        "cancelled": 0,
        "closed_modified": 1,
        "worst_level": None,
    }
    reopened = acted(trial, trial.data_manager, queries["weight"]["uuid"], "reopen", "Recheck")
    assert reopened["closed_modified"] is False


def _with_pregnancy_question(trial: Trial) -> None:
    """Add to Screening a question shown to women only, whose rule raises a query."""
    design: Any = trial.manager.get("/api/ecrf/", headers=trial.headers).json
    design["sections"][0]["subsections"][0]["blocks"].append(
        question(
            "pregnant",
            "yes_no",
            visible_if={"==": [{"var": "sex"}, "F"]},
            validations=[
                {
                    "rule": {"==": [{"var": "pregnant"}, True]},
                    "level": "exclusion",
                    "message": "Pregnant: not eligible",
                }
            ],
        )
    )
    saved = save_design(trial.manager, trial.headers, design)
    assert saved.status_code == 200, saved.json


def _automatic(trial: Trial, code: str) -> list[Any]:
    found = listed(trial, trial.data_manager, question=code, origin="automatic")
    return [query_of(trial, trial.data_manager, q["uuid"]).json for q in reversed(found)]


def test_automatic_queries_close_themselves_saying_why_in_their_thread(trial):
    _with_pregnancy_question(trial)
    trial.save(trial.investigator, {"weight": "130", "pregnant": True})
    bmi, pregnant = _automatic(trial, "bmi")[0], _automatic(trial, "pregnant")[0]
    assert (bmi["status"], bmi["origin"], bmi["raised_by"]) == ("open", "automatic", None)
    assert thread(bmi) == [("opened", None, "BMI above 40")]
    by_hand = raised(trial, code="bmi", message="Is the weight right?")

    trial.save(trial.investigator, {"weight": "70"})
    bmi = query_of(trial, trial.data_manager, bmi["uuid"]).json
    assert (bmi["status"], bmi["closed_automatically"]) == ("closed", True)
    assert thread(bmi)[-1] == (
        "resolved",
        None,
        "Closed automatically: the data no longer raises it.",
    )
    assert query_of(trial, trial.data_manager, by_hand["uuid"]).json["status"] == "open"

    trial.save(trial.investigator, {"sex": "M"})
    pregnant = query_of(trial, trial.data_manager, pregnant["uuid"]).json
    assert pregnant["status"] == "closed"
    assert thread(pregnant)[-1] == ("hidden", None, "Closed automatically: its question is hidden.")
    assert [q["code"] for q in trial.read(trial.investigator).json["queries"]] == ["bmi"]

    trial.save(trial.investigator, {"weight": "131"})
    again = _automatic(trial, "bmi")
    assert [q["status"] for q in again] == ["closed", "open"]  # a new query, the old one kept
    assert again[0]["closed_modified"] is False  # the rule, not a person, had closed it


def test_an_automatic_query_a_person_closed_comes_back_only_when_its_answer_changes(trial):
    trial.save(trial.investigator, {"weight": "130"})
    (bmi,) = _automatic(trial, "bmi")
    acted(trial, trial.data_manager, bmi["uuid"], "close", "Confirmed with the site.")
    trial.save(trial.investigator, {"smoker": True})
    assert [q["status"] for q in _automatic(trial, "bmi")] == ["closed"]
    trial.save(trial.investigator, {"weight": "135"})
    assert [q["status"] for q in _automatic(trial, "bmi")] == ["closed", "open"]


def _review_pre_queries(trial: Trial) -> None:
    changed = trial.manager.patch(
        "/api/plugins/monitoring/study-settings",
        json={"pre_query_review": True},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json


def test_a_pre_query_is_a_draft_the_site_does_not_see_until_it_is_released(trial):
    _review_pre_queries(trial)
    draft = raised(trial, code="weight")
    assert (draft["status"], draft["opened_at"]) == ("draft", None)
    for client in (trial.investigator, trial.viewer):
        assert query_of(trial, client, draft["uuid"]).status_code == 404
        assert listed(trial, client) == []
        assert "draft" not in counts(trial, client)["by_status"]
        assert act_on_query(trial, client, draft["uuid"], "answer").status_code in (403, 404)
    site = trial.read(trial.investigator).json
    assert site["queries"] == [] and site["annotations"]["queries"]["subject"]["draft"] == 0
    monitor = trial.read(trial.monitor).json["annotations"]["queries"]
    assert monitor["answers"]["weight"]["draft"] == 1
    assert counts(trial, trial.monitor)["by_status"]["draft"] == 1
    assert act_on_query(trial, trial.monitor, draft["uuid"], "release").status_code == 403
    commented = acted(trial, trial.data_manager, draft["uuid"], "messages", "Reword it.")
    assert commented["status"] == "draft"

    released = acted(trial, trial.data_manager, draft["uuid"], "release", None)
    assert released["status"] == "open" and released["opened_at"] is not None
    assert [q["uuid"] for q in trial.read(trial.investigator).json["queries"]] == [draft["uuid"]]
    assert acted(trial, trial.investigator, draft["uuid"], "answer")["status"] == "answered"
    assert [m["action"] for m in released["messages"]] == ["raised", "commented", "released"]


def test_a_draft_can_be_cancelled_instead_of_released(trial):
    _review_pre_queries(trial)
    draft = raised(trial)
    cancelled = acted(trial, trial.data_manager, draft["uuid"], "cancel", "Not needed.")
    assert cancelled["status"] == "cancelled"
    assert listed(trial, trial.investigator) == []


def _backdate(app, tenant, query: str, days: int) -> None:
    with app.app_context(), tenant_context(tenant), unit_of_work():
        row = db.session.execute(sa.select(DataQuery).where(DataQuery.uuid == query)).scalar_one()
        opened = row.opened_at
        assert opened is not None  # an open query
        row.opened_at = opened - dt.timedelta(days=days)


def test_the_list_filters_and_counts_the_same_selection(app, tenant, trial):
    trial.save(trial.investigator, {"weight": "130"})  # an automatic query on bmi
    weight = raised(trial, code="weight", level="exclusion")
    section = raised(trial, section=trial.sections[1], level="information")
    lyon = raised(trial, subject=trial.lyon_subject, code="height", assignee_role="monitor")
    acted(trial, trial.investigator, weight["uuid"], "answer")
    acted(trial, trial.data_manager, section["uuid"], "close")
    _backdate(app, tenant, lyon["uuid"], 30)
    (bmi,) = listed(trial, trial.data_manager, origin="automatic")

    def uuids(**filters: Any) -> set[str]:
        found = {q["uuid"] for q in listed(trial, trial.data_manager, **filters)}
        counted = counts(trial, trial.data_manager, **filters)
        assert counted["total"] == len(found) == sum(counted["by_level"].values())
        assert sum(counted["by_status"].values()) == len(found)
        return found

    everything = {bmi["uuid"], weight["uuid"], section["uuid"], lyon["uuid"]}
    assert uuids() == everything
    assert [q["uuid"] for q in listed(trial, trial.data_manager)][-1] == bmi["uuid"]
    assert uuids(status="open") == {bmi["uuid"], lyon["uuid"]}
    assert uuids(status=["open", "answered"]) == {bmi["uuid"], lyon["uuid"], weight["uuid"]}
    assert uuids(level="exclusion") == {weight["uuid"]}
    assert uuids(section=trial.sections[0]) == {bmi["uuid"], weight["uuid"], lyon["uuid"]}
    assert uuids(section=trial.sections[1]) == {section["uuid"]}
    assert uuids(question="height") == {lyon["uuid"]}
    assert uuids(center=trial.centers["LYO"]) == {lyon["uuid"]}
    assert uuids(subject=trial.subject) == everything - {lyon["uuid"]}
    assert uuids(assignee_role="monitor") == {lyon["uuid"]}
    assert uuids(origin="manual") == everything - {bmi["uuid"]}
    assert uuids(older_than_days=10) == {lyon["uuid"]}
    assert uuids(older_than_days=0) == everything
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert uuids(opened_before=tomorrow) == everything
    assert uuids(opened_before=(dt.date.today() - dt.timedelta(days=10)).isoformat()) == {
        lyon["uuid"]
    }
    assert uuids(status="closed", level="information") == {section["uuid"]}
    counted = counts(trial, trial.data_manager)
    assert counted["by_status"] == {
        "draft": 0,
        "open": 2,
        "answered": 1,
        "closed": 1,
        "cancelled": 0,
    }
    assert counted["by_level"] == {"information": 1, "warning": 2, "exclusion": 1}

    page = trial.data_manager.get(
        QUERIES, query_string={"page": 2, "page_size": 3}, headers=trial.headers
    )
    assert len(page.json) == 1
    assert json.loads(page.headers["X-Pagination"])["total"] == 4


def test_a_center_limited_investigator_sees_only_their_centers_queries(trial):
    paris = raised(trial, code="weight")
    lyon = raised(trial, subject=trial.lyon_subject, code="weight")
    assert [q["uuid"] for q in listed(trial, trial.lyon_investigator)] == [lyon["uuid"]]
    assert counts(trial, trial.lyon_investigator)["total"] == 1
    assert query_of(trial, trial.lyon_investigator, paris["uuid"]).status_code == 404
    refused = act_on_query(trial, trial.lyon_investigator, paris["uuid"], "answer")
    assert refused.status_code == 404
    assert query_of(trial, trial.data_manager, paris["uuid"]).json["status"] == "open"
    assert listed(trial, trial.lyon_investigator, center=trial.centers["PAR"]) == []


def test_another_tenant_sees_none_of_the_queries(
    trial, other_tenant, client_as, make_study, enable_plugins
):
    from_trial = raised(trial, code="weight")["uuid"]
    enable_plugins(other_tenant, "monitoring")
    outsider = client_as(other_tenant)
    own = make_study(outsider, "PAR", reference="ELSEWHERE")
    for headers in (own.headers, trial.headers):
        assert outsider.get(f"{QUERIES}{from_trial}", headers=headers).status_code == 404
        closing = outsider.post(f"{QUERIES}{from_trial}/close", json={}, headers=headers)
        assert closing.status_code == 404
    assert outsider.get(QUERIES, headers=own.headers).json == []
    assert outsider.get(QUERIES, headers=trial.headers).status_code == 404
    assert query_of(trial, trial.data_manager, from_trial).json["status"] == "open"


def test_another_study_sees_none_of_the_queries(trial, make_study):
    from_trial = raised(trial, code="weight")["uuid"]
    other = make_study(trial.manager, reference="OTHER")
    assert trial.manager.get(f"{QUERIES}{from_trial}", headers=other.headers).status_code == 404
    assert trial.manager.get(QUERIES, headers=other.headers).json == []


@pytest.mark.parametrize(
    ("fields", "internal_name", "field"),
    [
        ({"code": "nope"}, "QUERY_TARGET_INVALID", "code"),
        ({"code": "weight", "row": 0, "column": "term"}, "QUERY_TARGET_INVALID", "row"),
        ({"code": "ae", "row": 0, "column": "severity"}, "QUERY_TARGET_INVALID", "column"),
        ({"code": "ae", "row": 5, "column": "term"}, "QUERY_TARGET_INVALID", "row"),
        ({"section": "00000000-0000-4000-8000-000000000000"}, "QUERY_TARGET_INVALID", "section"),
        ({"code": "ae", "row": 0}, "VALIDATION_FAILED", "row"),
        ({"row": 0, "column": "term"}, "VALIDATION_FAILED", "code"),
        ({"code": "weight", "section": "00000000-0000-4000-8000-000000000000"}, None, "section"),
        ({"level": "fatal"}, "VALIDATION_FAILED", "level"),
        ({"message": ""}, "VALIDATION_FAILED", "message"),
        ({"assignee_role": "astronaut"}, "VALIDATION_FAILED", "assignee_role"),
        ({"surprise": 1}, "VALIDATION_FAILED", "surprise"),
    ],
)
def test_a_bad_query_is_422_and_writes_nothing(app, tenant, trial, fields, internal_name, field):
    trial.save(trial.investigator, {"ae": [{"term": "Headache"}]}, section=1, reason=None)
    refused = raise_query(trial, **fields)
    assert refused.status_code == 422, refused.json
    if internal_name:
        assert refused.json["error"]["internal_name"] == internal_name
    assert field in refused.json["error"]["fields"]
    assert all_queries(app, tenant) == []


def test_a_query_on_an_unknown_subject_is_404_and_writes_nothing(app, tenant, trial, client_as):
    refused = raise_query(trial, subject="00000000-0000-4000-8000-000000000000")
    assert refused.status_code == 404
    elsewhere = client_as(tenant).post(
        "/api/centers/", json={"code": "NCE", "name": "Nice", "country": "FR"}
    )
    assert elsewhere.status_code == 201, elsewhere.json
    outside = raise_query(trial, assignee_center=elsewhere.json["uuid"])
    assert outside.status_code == 422
    assert outside.json["error"]["internal_name"] == "CENTER_NOT_IN_STUDY"
    hidden = raise_query(trial, trial.lyon_investigator, subject=trial.subject)
    assert hidden.status_code == 403
    assert all_queries(app, tenant) == []


@pytest.mark.parametrize(
    ("filters", "status", "field"),
    [
        ({"status": "pending"}, 422, "status"),
        ({"level": "fatal"}, 422, "level"),
        ({"older_than_days": -1}, 422, "older_than_days"),
        ({"opened_before": "yesterday"}, 422, "opened_before"),
        ({"opened_before": "0001-01-01"}, 422, "opened_before"),
        ({"section": "00000000-0000-4000-8000-000000000000"}, 422, "section"),
        ({"center": "00000000-0000-4000-8000-000000000000"}, 404, None),
        ({"subject": "00000000-0000-4000-8000-000000000000"}, 422, "subject"),
        ({"subject": "not-a-uuid"}, 422, "subject"),
        ({"state": "open"}, 400, "state"),
    ],
)
def test_bad_filters_are_refused(trial, filters, status, field):
    for path in (QUERIES, f"{QUERIES}counts"):
        refused = trial.data_manager.get(path, query_string=filters, headers=trial.headers)
        assert refused.status_code == status, refused.json
        assert field is None or field in refused.json["error"]["fields"]


def test_an_action_without_its_text_is_422_and_writes_nothing(trial):
    query = raised(trial)["uuid"]
    for client, action in ((trial.investigator, "answer"), (trial.data_manager, "cancel")):
        refused = act_on_query(trial, client, query, action, None)
        assert refused.status_code == 422, refused.json
    unchanged = query_of(trial, trial.data_manager, query).json
    assert unchanged["status"] == "open" and len(unchanged["messages"]) == 1
    missing = act_on_query(
        trial, trial.data_manager, "00000000-0000-4000-8000-000000000000", "close"
    )
    assert missing.status_code == 404


def test_the_annotation_is_left_out_for_those_who_do_not_see_queries(
    trial, tenant, client_as, join_study
):
    raised(trial, code="weight")
    viewer = trial.read(trial.viewer).json["annotations"]["queries"]
    assert viewer["section"]["open"] == 1 and viewer["answers"]["weight"]["open"] == 1
    role = client_as(tenant).post(
        "/api/roles/",
        json={"name": "data_reader", "permissions": ["data_entry.access", "ecrf_design.access"]},
    )
    assert role.status_code == 201, role.json
    reader = join_study(trial.headers, tenant, "data_reader")
    read = trial.read(reader)
    assert read.status_code == 200, read.json
    assert "queries" not in read.json["annotations"]
