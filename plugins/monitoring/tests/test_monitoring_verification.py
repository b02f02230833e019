"""Source data verification through the API: items verified one at a time or in bulk (a
row per item underneath), lost when their answer changes, plans of every kind (the random
sample replayed from its seed), progress, who may, centers and tenants."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import pytest

from datacapt.testing import TenantClient
from plugins.monitoring.tests.support import (
    Trial,
    add_subjects,
    assert_unknown_study,
    audit_of,
    outsider_with_a_study,
)

BASE = "/api/monitoring/verification"
# Screening's source-data items as the trial enters them (bmi is calculated: not one).
SCREENING_ITEMS = {"sex", "weight", "height", "smoker"}
LONG_AGO = "2000-01-01"


def item_url(trial: Trial, code: str, subject: str | None = None) -> str:
    return f"{BASE}/subjects/{subject or trial.subject}/items/{code}"


def verify(client: TenantClient, trial: Trial, code: str, subject: str | None = None) -> Any:
    return client.post(item_url(trial, code, subject), headers=trial.headers)


def unverify(
    client: TenantClient, trial: Trial, code: str, reason: str | None = "Verified the wrong line"
) -> Any:
    headers = {**trial.headers, **({"Reason-For-Change": reason} if reason else {})}
    return client.delete(item_url(trial, code), headers=headers)


def annotation(trial: Trial, section: int = 0, subject: str | None = None) -> Any:
    read: Any = trial.read(trial.monitor, section, subject)
    assert read.status_code == 200, read.json
    return read.json["annotations"]["verification"]


def verified_codes(trial: Trial, section: int = 0, subject: str | None = None) -> set[str]:
    items = annotation(trial, section, subject)["items"]
    return {code for code, item in items.items() if item["verified"]}


def required_codes(trial: Trial, section: int = 0, subject: str | None = None) -> set[str]:
    items = annotation(trial, section, subject)["items"]
    return {code for code, item in items.items() if item["required"]}


def add_plan(client: TenantClient, trial: Trial, **plan: Any) -> Any:
    return client.post(
        f"{BASE}/plans/", json={"effective_from": LONG_AGO, **plan}, headers=trial.headers
    )


def subjects_figures(client: TenantClient, trial: Trial, **query: str) -> dict[str, Any]:
    listed: Any = client.get(
        f"{BASE}/progress/subjects",
        query_string={"page_size": "100", **query},
        headers=trial.headers,
    )
    assert listed.status_code == 200, listed.json
    return {row["subject"]: row for row in listed.json}


def selected(client: TenantClient, trial: Trial, center: str) -> set[str]:
    rows = subjects_figures(client, trial, center=trial.centers[center])
    return {subject for subject, row in rows.items() if row["selected"]}


@pytest.mark.requirement("E6-4.2.3")
def test_a_monitor_verifies_an_item_and_every_read_shows_who_and_when(trial):
    verified = verify(trial.monitor, trial, "weight")
    assert verified.status_code == 201, verified.json
    assert verified.json["subject"] == trial.subject and verified.json["code"] == "weight"
    assert verified.json["verified_by"] == str(trial.monitor.user.uuid)
    assert verified.json["verified_by_name"] == "Test Monitor"
    items = annotation(trial)["items"]
    assert set(items) == SCREENING_ITEMS  # every question of the section but the calculated
    assert items["weight"] == {
        "verified": True,
        "verified_by": str(trial.monitor.user.uuid),
        "verified_by_name": "Test Monitor",
        "verified_at": verified.json["verified_at"],
        "required": False,  # no plan
    }
    assert not items["sex"]["verified"] and items["sex"]["verified_by"] is None
    section = trial.monitor.get(
        f"{BASE}/subjects/{trial.subject}/sections/{trial.sections[0]}", headers=trial.headers
    )
    assert section.status_code == 200 and section.json == annotation(trial)
    [created] = audit_of(trial.data_manager, trial, "monitoring_verifications")
    assert created["action"] == "create" and created["actor_id"] == str(trial.monitor.user.uuid)
    assert (created["subject_id"], created["section_id"], created["question"]) == (
        trial.subject,
        trial.sections[0],
        "weight",
    )


@pytest.mark.requirement("E6-4.2.3")
def test_a_changed_answer_loses_its_verification_audited_with_the_change_as_cause(trial):
    for code in ("weight", "sex"):
        assert verify(trial.monitor, trial, code).status_code == 201
    same = trial.save(trial.investigator, {"weight": "70"})  # no change: nothing lost
    assert same.status_code == 200 and verified_codes(trial) == {"weight", "sex"}
    changed = trial.save(trial.investigator, {"weight": "71"}, reason="Scale was off")
    assert changed.status_code == 200, changed.json
    assert verified_codes(trial) == {"sex"}
    records = audit_of(trial.data_manager, trial, "monitoring_verifications", action="delete")
    [lost] = records
    assert (lost["question"], lost["reason"]) == ("weight", "The answer changed: Scale was off")
    assert lost["changes"]["verified_by"] == [str(trial.monitor.user.uuid), None]
    [update] = audit_of(
        trial.data_manager, trial, "ecrf_answers", action="update", question="weight"
    )
    assert update["request_id"] == lost["request_id"]  # the change and its loss, together
    again = verify(trial.monitor, trial, "weight")
    assert again.status_code == 201  # the new value is verified afresh


@pytest.mark.requirement("P11-11.10g")
def test_only_monitors_verify_and_taking_a_verification_back_needs_a_reason(trial):
    for client in (trial.investigator, trial.data_manager, trial.viewer, trial.manager):
        refused = verify(client, trial, "weight")
        assert refused.status_code == 403, refused.json
        assert refused.json["error"]["details"]["permission"] == ("source_data_verification.verify")
    assert verified_codes(trial) == set()
    assert verify(trial.monitor, trial, "weight").status_code == 201
    assert unverify(trial.investigator, trial, "weight").status_code == 403
    no_reason = unverify(trial.monitor, trial, "weight", reason=None)
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert verified_codes(trial) == {"weight"}
    assert unverify(trial.monitor, trial, "weight").status_code == 204
    assert verified_codes(trial) == set()
    [removed] = audit_of(trial.data_manager, trial, "monitoring_verifications", action="delete")
    assert removed["reason"] == "Verified the wrong line"
    # Every role reads verification.
    for client in (trial.investigator, trial.viewer, trial.data_manager):
        read = client.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers)
        assert read.status_code == 200, read.json


@pytest.mark.parametrize(
    ("code", "section", "status", "name"),
    [
        ("nope", 0, 404, "OBJECT_NOT_FOUND"),
        ("bmi", 0, 409, "NOT_SOURCE_DATA"),
        ("pain", 1, 409, "ITEM_NOT_ANSWERED"),
    ],
)
def test_unknown_calculated_and_unanswered_items_are_refused(trial, code, section, status, name):
    refused = verify(trial.monitor, trial, code)
    assert refused.status_code == status, refused.json
    assert refused.json["error"]["internal_name"] == name
    assert verified_codes(trial, section) == set()
    assert audit_of(trial.data_manager, trial, "monitoring_verifications") == []


def test_an_item_is_verified_once_and_taken_back_only_when_verified(trial):
    assert verify(trial.monitor, trial, "weight").status_code == 201
    twice = verify(trial.monitor, trial, "weight")
    assert twice.status_code == 409
    assert twice.json["error"]["internal_name"] == "ITEM_ALREADY_VERIFIED"
    never = unverify(trial.monitor, trial, "height")
    assert never.status_code == 409 and never.json["error"]["internal_name"] == "ITEM_NOT_VERIFIED"
    assert len(audit_of(trial.data_manager, trial, "monitoring_verifications")) == 1


def test_bulk_verification_of_a_section_a_visit_and_a_subject_stays_item_level(trial):
    screening = f"{BASE}/subjects/{trial.subject}/sections/{trial.sections[0]}"
    first = trial.monitor.post(screening, headers=trial.headers)
    assert first.status_code == 200, first.json
    assert first.json == {"verified": 4, "already_verified": 0}
    assert verified_codes(trial) == SCREENING_ITEMS
    created = audit_of(trial.data_manager, trial, "monitoring_verifications", action="create")
    assert {r["question"] for r in created} == SCREENING_ITEMS and len(created) == 4
    assert trial.monitor.post(screening, headers=trial.headers).json == {
        "verified": 0,
        "already_verified": 4,
    }
    visit = trial.monitor.post(f"{BASE}/sections/{trial.sections[0]}", headers=trial.headers)
    assert visit.json == {"verified": 4, "already_verified": 4}
    assert verified_codes(trial, subject=trial.lyon_subject) == SCREENING_ITEMS
    saved = trial.save(trial.investigator, {"pain": 3}, section=1, reason=None)
    assert saved.status_code == 200, saved.json
    whole = trial.monitor.post(f"{BASE}/subjects/{trial.subject}", headers=trial.headers)
    assert whole.json == {"verified": 1, "already_verified": 4}
    assert verified_codes(trial, 1) == {"pain"}
    # One row per item: one is taken back, or lost, alone.
    assert unverify(trial.monitor, trial, "smoker").status_code == 204
    trial.save(trial.investigator, {"height": "1.71"})
    assert verified_codes(trial) == {"sex", "weight"}
    assert verified_codes(trial, 1) == {"pain"}
    for url in (screening, f"{BASE}/subjects/{trial.subject}"):
        assert trial.investigator.post(url, headers=trial.headers).status_code == 403
    unknown = trial.monitor.post(f"{BASE}/sections/{trial.lyon_subject}", headers=trial.headers)
    assert unknown.status_code == 404


def test_an_all_items_plan_requires_every_item_of_every_subject(trial):
    plan = add_plan(trial.manager, trial, kind="all_items")
    assert plan.status_code == 201, plan.json
    assert plan.json["center"] is None and plan.json["seed"] is None
    assert required_codes(trial) == SCREENING_ITEMS
    assert annotation(trial)["plan"] == plan.json["uuid"]
    assert required_codes(trial, subject=trial.lyon_subject) == SCREENING_ITEMS
    assert required_codes(trial, 1) == {"pain", "ae"}  # unanswered yet, but asked of them
    figures = trial.monitor.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers).json
    assert (figures["plan"], figures["selected"]) == (plan.json["uuid"], True)
    assert (figures["answered"], figures["required"], figures["verified"]) == (4, 4, 0)


def test_a_flagged_items_plan_requires_its_questions_only(trial):
    plan = add_plan(trial.data_manager, trial, kind="flagged_items", codes=["weight", "sex", "sex"])
    assert plan.status_code == 201, plan.json
    assert plan.json["codes"] == ["weight", "sex"]
    assert required_codes(trial) == {"weight", "sex"}
    assert required_codes(trial, 1) == set()
    trial.monitor.post(f"{BASE}/subjects/{trial.subject}", headers=trial.headers)
    figures = trial.monitor.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers).json
    assert (figures["required"], figures["verified"], figures["verified_not_required"]) == (2, 2, 2)
    assert figures["completion"] == 1.0


def _drawn(seed: str, subjects: list[str], percentage: int) -> set[str]:
    """The sample an inspector draws again from a plan's seed."""
    ranked = sorted(
        subjects, key=lambda s: hmac.new(bytes.fromhex(seed), s.encode(), hashlib.sha256).digest()
    )
    return set(ranked[: -(-len(subjects) * percentage // 100)])


@pytest.mark.requirement("E6-4.2.3")
def test_a_random_plan_draws_a_share_of_each_center_replayable_from_its_seed(trial):
    paris = [trial.subject, *add_subjects(trial, trial.investigator, "PAR", 20)]
    lyon = [trial.lyon_subject, *add_subjects(trial, trial.lyon_investigator, "LYO", 3)]
    plan = add_plan(trial.manager, trial, kind="random_subjects", percentage=40)
    assert plan.status_code == 201, plan.json
    seed = plan.json["seed"]
    assert len(bytes.fromhex(seed)) == 32
    first_paris = selected(trial.monitor, trial, "PAR")
    assert len(first_paris) == 9  # 40 % of 21, rounded up
    assert first_paris == _drawn(seed, paris, 40)
    assert selected(trial.monitor, trial, "LYO") == _drawn(seed, lyon, 40)
    assert len(_drawn(seed, lyon, 40)) == 2
    assert selected(trial.monitor, trial, "PAR") == first_paris  # the same every time
    [created] = audit_of(trial.data_manager, trial, "monitoring_sdv_plans")
    assert created["changes"]["seed"] == [None, seed]
    # Another seed: another sample of the same size, replayed from it as well.
    gone = trial.manager.delete(
        f"{BASE}/plans/{plan.json['uuid']}",
        headers={**trial.headers, "Reason-For-Change": "Sample redrawn"},
    )
    assert gone.status_code == 204, gone.json
    assert selected(trial.monitor, trial, "PAR") == set()  # no plan in effect now
    other = add_plan(trial.manager, trial, kind="random_subjects", percentage=40)
    assert other.json["seed"] != seed
    second_paris = selected(trial.monitor, trial, "PAR")
    assert second_paris == _drawn(other.json["seed"], paris, 40) and len(second_paris) == 9
    assert second_paris != first_paris
    selected_subject = next(iter(second_paris))
    assert required_codes(trial, subject=selected_subject) == set(annotation(trial)["items"])
    left_out = next(iter(set(paris) - second_paris))
    assert annotation(trial, subject=left_out)["selected"] is False
    assert required_codes(trial, subject=left_out) == set()


def test_a_first_subjects_plan_takes_each_center_s_first_in_the_order_they_started(trial):
    paris = add_subjects(trial, trial.investigator, "PAR", 3)
    # Included on a date before the others were added: the first to have started.
    included = trial.investigator.patch(
        f"/api/subjects/{paris[2]}",
        json={"status": "included", "inclusion_date": "2020-01-01"},
        headers=trial.headers,
    )
    assert included.status_code == 200, included.json
    plan = add_plan(trial.manager, trial, kind="first_subjects", subject_count=2)
    assert plan.status_code == 201, plan.json
    assert selected(trial.monitor, trial, "PAR") == {paris[2], trial.subject}
    assert selected(trial.monitor, trial, "LYO") == {trial.lyon_subject}


def test_a_center_s_plan_overrides_the_study_s_there(trial):
    study = add_plan(trial.manager, trial, kind="all_items")
    lyon = add_plan(
        trial.manager, trial, kind="flagged_items", codes=["weight"], center=trial.centers["LYO"]
    )
    assert lyon.status_code == 201, lyon.json
    assert (lyon.json["center"], lyon.json["center_code"]) == (trial.centers["LYO"], "LYO")
    assert required_codes(trial) == SCREENING_ITEMS
    assert annotation(trial)["plan"] == study.json["uuid"]
    assert required_codes(trial, subject=trial.lyon_subject) == {"weight"}
    assert annotation(trial, subject=trial.lyon_subject)["plan"] == lyon.json["uuid"]
    listed = trial.monitor.get(f"{BASE}/plans/", headers=trial.headers)
    assert [p["uuid"] for p in listed.json] == [study.json["uuid"], lyon.json["uuid"]]


def test_a_plan_applies_to_the_subjects_who_start_from_its_date(trial):
    today = dt.datetime.now(dt.UTC).date()
    later = add_plan(
        trial.manager, trial, kind="all_items", effective_from=str(today + dt.timedelta(days=30))
    )
    assert later.status_code == 201, later.json
    # Both subjects started (were added) today: before it.
    assert annotation(trial)["plan"] is None and required_codes(trial) == set()
    earlier = add_plan(trial.manager, trial, kind="flagged_items", codes=["sex"])
    assert annotation(trial)["plan"] == earlier.json["uuid"]
    [newcomer] = add_subjects(trial, trial.investigator, "PAR", 1)
    included = trial.investigator.patch(
        f"/api/subjects/{newcomer}",
        json={"status": "included", "inclusion_date": str(today + dt.timedelta(days=60))},
        headers=trial.headers,
    )
    assert included.status_code == 200, included.json
    assert annotation(trial, subject=newcomer)["plan"] == later.json["uuid"]
    assert annotation(trial)["plan"] == earlier.json["uuid"]
    same_day = add_plan(trial.manager, trial, kind="all_items")
    assert same_day.status_code == 409
    assert same_day.json["error"]["internal_name"] == "SDV_PLAN_EXISTS"
    assert same_day.json["error"]["details"]["existing"] == earlier.json["uuid"]


def test_progress_counts_what_is_required_verified_and_verified_beyond_the_plan(trial):
    add_plan(trial.manager, trial, kind="flagged_items", codes=["weight", "sex"])
    assert verify(trial.monitor, trial, "weight").status_code == 201
    assert verify(trial.monitor, trial, "smoker").status_code == 201
    progress = trial.monitor.get(f"{BASE}/progress", headers=trial.headers)
    assert progress.status_code == 200, progress.json
    counts = ("answered", "required", "verified", "verified_not_required", "completion")
    assert [progress.json["study"][c] for c in counts] == [8, 4, 1, 1, 0.25]
    assert (progress.json["study"]["subjects"], progress.json["study"]["subjects_selected"]) == (
        2,
        2,
    )
    centers = {c["center_code"]: [c[k] for k in counts] for c in progress.json["centers"]}
    assert centers == {"LYO": [4, 2, 0, 0, 0.0], "PAR": [4, 2, 1, 1, 0.5]}
    sections = [[s[k] for k in counts] for s in progress.json["sections"]]
    assert sections == [[8, 4, 1, 1, 0.25], [0, 0, 0, 0, None]]
    assert progress.json["sections"][0]["section"] == trial.sections[0]
    rows = subjects_figures(trial.monitor, trial)
    assert [rows[trial.subject][k] for k in counts] == [4, 2, 1, 1, 0.5]
    assert rows[trial.lyon_subject]["study_subject_id"].startswith("LYO")
    subject = trial.monitor.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers).json
    assert [[s[k] for k in counts] for s in subject["sections"]] == [
        [4, 2, 1, 1, 0.5],
        [0, 0, 0, 0, None],
    ]
    only_lyon = subjects_figures(trial.monitor, trial, center=trial.centers["LYO"])
    assert list(only_lyon) == [trial.lyon_subject]


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"kind": "random_subjects", "percentage": 0}, "percentage"),
        ({"kind": "random_subjects", "percentage": 101}, "percentage"),
        ({"kind": "random_subjects", "percentage": "half"}, "percentage"),
        ({"kind": "random_subjects"}, "percentage"),
        ({"kind": "first_subjects", "subject_count": 0}, "subject_count"),
        ({"kind": "all_items", "codes": ["weight"]}, "codes"),
        ({"kind": "flagged_items", "codes": []}, "codes"),
        ({"kind": "everything"}, "kind"),
        ({"kind": "all_items", "effective_from": "someday"}, "effective_from"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_written(trial, plan, field):
    refused = add_plan(trial.manager, trial, **plan)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert trial.manager.get(f"{BASE}/plans/", headers=trial.headers).json == []


@pytest.mark.parametrize(
    ("plan", "name"),
    [
        ({"kind": "flagged_items", "codes": ["weight", "nope"]}, "SDV_PLAN_INVALID"),
        ({"kind": "flagged_items", "codes": ["bmi"]}, "SDV_PLAN_INVALID"),
        ({"kind": "all_items", "center": "elsewhere"}, "CENTER_NOT_IN_STUDY"),
    ],
)
def test_plans_naming_what_the_study_lacks_are_refused(trial, plan, name):
    if plan.get("center") == "elsewhere":  # a center of the tenant, not of the study
        center: Any = trial.manager.post(
            "/api/centers/", json={"code": "MRS", "name": "Marseille", "country": "FR"}
        )
        plan = {**plan, "center": center.json["uuid"]}
    refused = add_plan(trial.manager, trial, **plan)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == name
    assert trial.manager.get(f"{BASE}/plans/", headers=trial.headers).json == []
    assert audit_of(trial.data_manager, trial, "monitoring_sdv_plans") == []


def test_only_managers_set_plans_and_removing_one_needs_a_reason(trial):
    for client in (trial.monitor, trial.investigator, trial.viewer):
        refused = add_plan(client, trial, kind="all_items")
        assert refused.status_code == 403, refused.json
    plan = add_plan(trial.manager, trial, kind="all_items").json
    url = f"{BASE}/plans/{plan['uuid']}"
    assert trial.viewer.get(url, headers=trial.headers).json == plan
    assert trial.monitor.delete(url, headers=trial.headers).status_code == 403
    no_reason = trial.manager.delete(url, headers=trial.headers)
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert trial.manager.get(url, headers=trial.headers).status_code == 200


def test_a_center_limited_member_verifies_and_counts_at_their_centers_only(
    trial, join_study, tenant
):
    lyon_monitor = join_study(trial.headers, tenant, "monitor", centers=[trial.centers["LYO"]])
    hidden = verify(lyon_monitor, trial, "weight")
    assert hidden.status_code == 404
    assert hidden.json["error"]["internal_name"] == "OBJECT_NOT_FOUND"
    assert (
        lyon_monitor.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers).status_code
        == 404
    )
    visit = lyon_monitor.post(f"{BASE}/sections/{trial.sections[0]}", headers=trial.headers)
    assert visit.json == {"verified": 4, "already_verified": 0}
    assert verified_codes(trial) == set()
    assert verified_codes(trial, subject=trial.lyon_subject) == SCREENING_ITEMS
    progress = lyon_monitor.get(f"{BASE}/progress", headers=trial.headers).json
    assert [c["center_code"] for c in progress["centers"]] == ["LYO"]
    assert progress["study"]["answered"] == 4 and progress["study"]["verified_not_required"] == 4
    assert list(subjects_figures(lyon_monitor, trial)) == [trial.lyon_subject]
    lyon_manager = join_study(trial.headers, tenant, "data_manager", centers=[trial.centers["LYO"]])
    study_wide = add_plan(lyon_manager, trial, kind="all_items")
    assert study_wide.status_code == 403, study_wide.json
    paris = add_plan(lyon_manager, trial, kind="all_items", center=trial.centers["PAR"])
    assert paris.status_code == 422
    assert paris.json["error"]["internal_name"] == "CENTER_NOT_IN_STUDY"
    paris_plan = add_plan(trial.manager, trial, kind="all_items", center=trial.centers["PAR"])
    lyon_plan = add_plan(lyon_manager, trial, kind="all_items", center=trial.centers["LYO"])
    assert lyon_plan.status_code == 201, lyon_plan.json
    seen = lyon_monitor.get(f"{BASE}/plans/", headers=trial.headers).json
    assert [p["uuid"] for p in seen] == [lyon_plan.json["uuid"]]
    assert (
        lyon_monitor.get(
            f"{BASE}/plans/{paris_plan.json['uuid']}", headers=trial.headers
        ).status_code
        == 404
    )


def test_another_tenant_reaches_none_of_it(trial, enable_plugins, client_as, other_tenant):
    assert verify(trial.monitor, trial, "weight").status_code == 201
    outsider, own = outsider_with_a_study(enable_plugins, client_as, other_tenant)
    assert_unknown_study(
        outsider.get(f"{BASE}/progress", headers=trial.headers),
        outsider.post(item_url(trial, "sex"), headers=trial.headers),
        outsider.get(f"{BASE}/plans/", headers=trial.headers),
    )
    in_own: Any = outsider.post(item_url(trial, "sex"), headers=own)
    assert in_own.status_code == 404
    assert in_own.json["error"]["internal_name"] == "OBJECT_NOT_FOUND"
    nothing: Any = outsider.get(f"{BASE}/progress", headers=own)
    assert nothing.json["study"]["answered"] == 0
    assert verified_codes(trial) == {"weight"}
