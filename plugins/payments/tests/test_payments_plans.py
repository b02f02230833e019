"""Payment plans: drafts edited by who manages plans, approved with the approving body's
reference and date and then immutable, one draft at a time; terms checked against the
currency's minor units and the study's eCRF, each problem under its field."""

from __future__ import annotations

from typing import Any

from plugins.payments.tests.support import PLANS, Trial


def _version(kind: str, terms: dict[str, Any], currency: str = "EUR") -> dict[str, Any]:
    return {"kind": kind, "currency": currency, "terms": terms}


def _create(trial: Trial, version: dict[str, Any], client=None, code: str = "VOL") -> Any:
    return (client or trial.manager).post(
        PLANS, json={"code": code, "name": "Volunteers", "version": version}, headers=trial.headers
    )


def _fields(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 422, answer.json
    return answer.json["error"]["fields"]


def test_a_draft_changes_until_approved_then_never(trial: Trial):
    terms = {"visits": trial.visits({"Visit 1": "40.00"}), "completion_bonus": None}
    created = _create(trial, _version("per_visit", terms))
    assert created.status_code == 201, created.json
    plan = created.json
    (draft,) = plan["versions"]
    assert (draft["number"], draft["status"], draft["approved_at"]) == (1, "draft", None)
    assert draft["terms"]["visits"][0] == {
        "section": trial.sections["Visit 1"],
        "amount": "40.00",
        "travel": None,
    }
    url = f"{PLANS}{plan['uuid']}/versions/1"
    per_study = _version("per_study", {"amount": "300.00"})
    read = trial.etag(plan["uuid"], 1)
    unread: Any = trial.manager.put(url, json=per_study, headers=trial.headers)
    assert unread.status_code == 428
    changed: Any = trial.manager.put(
        url, json=per_study, headers={**trial.headers, "If-Match": read}
    )
    assert changed.status_code == 200 and changed.json["kind"] == "per_study"
    assert changed.json["revision"] == 2 and changed.headers["ETag"] != read
    stale: Any = trial.manager.post(
        f"{url}/approval",
        json={"approval_reference": "CPP", "approval_date": "2026-11-02"},
        headers={**trial.headers, "If-Match": read},
    )
    assert stale.status_code == 412  # the approver read another revision than the one saved
    again: Any = trial.manager.post(
        f"{PLANS}{plan['uuid']}/versions/", json=per_study, headers=trial.headers
    )
    assert again.status_code == 409
    assert again.json["error"]["internal_name"] == "DRAFT_PLAN_VERSION_EXISTS"
    future = trial.manager.post(
        f"{url}/approval",
        json={"approval_reference": "CPP", "approval_date": "2999-01-01"},
        headers={**trial.headers, "If-Match": changed.headers["ETag"]},
    )
    assert "approval_date" in _fields(future)
    approved = trial.approve(plan["uuid"], 1)
    assert approved["status"] == "approved" and approved["approval_reference"] == "CPP-2026-17"
    assert approved["approval_date"] == "2026-11-02" and approved["approved_at"]
    refused: Any
    current = {**trial.headers, "If-Match": trial.etag(plan["uuid"], 1)}
    for refused in (
        trial.manager.put(url, json=per_study, headers=current),
        trial.manager.delete(url, headers=trial.headers),
        trial.manager.post(
            f"{url}/approval",
            json={"approval_reference": "X", "approval_date": "2026-11-02"},
            headers=current,
        ),
    ):
        assert refused.status_code == 409
        assert refused.json["error"]["internal_name"] == "PLAN_VERSION_NOT_DRAFT"
    second: Any = trial.manager.post(
        f"{PLANS}{plan['uuid']}/versions/", json=per_study, headers=trial.headers
    )
    assert second.status_code == 201 and second.json["number"] == 2
    assert (
        trial.manager.delete(f"{PLANS}{plan['uuid']}/versions/2", headers=trial.headers).status_code
        == 204
    )
    shown: Any = trial.finance.get(f"{PLANS}{plan['uuid']}", headers=trial.headers).json
    assert [version["number"] for version in shown["versions"]] == [1]
    taken = _create(trial, per_study, code="vol")
    assert taken.status_code == 409 and "code" in taken.json["error"]["fields"]


def test_amounts_have_the_currency_minor_units_and_sections_are_the_study_s(trial: Trial):
    euros = {
        "visits": [
            {"section": trial.sections["Visit 1"], "amount": "10.001"},
            {"section": "00000000-0000-4000-8000-000000000000", "amount": "5.00"},
            {"section": trial.sections["Visit 1"], "amount": "-1.00", "travel": "1.555"},
        ],
        "completion_bonus": "1E+12",
    }
    fields = _fields(_create(trial, _version("per_visit", euros)))
    assert set(fields) == {
        "version.terms.visits.0.amount",
        "version.terms.visits.1.section",
        "version.terms.visits.2.amount",
        "version.terms.visits.2.travel",
        "version.terms.visits",
        "version.terms.completion_bonus",
    }
    assert fields["version.terms.visits.0.amount"] == ["An amount in EUR has at most 2 decimals."]
    assert fields["version.terms.completion_bonus"] == ["An amount is less than 1,000,000,000,000."]
    yen = {"amount": "1.5", "pro_rata": True}
    fields = _fields(_create(trial, _version("per_study", yen, "JPY")))
    assert set(fields) == {"version.terms.amount", "version.terms.visits"}
    assert fields["version.terms.amount"] == ["An amount in JPY has at most 0 decimals."]
    plan = trial.plan("per_study", {"amount": "100.00"}, approve=False)
    draft = f"{PLANS}{plan['uuid']}/versions/1"
    edited = trial.manager.put(
        draft,
        json=_version("per_study", yen, "JPY"),
        headers={**trial.headers, "If-Match": trial.etag(plan["uuid"], 1)},
    )
    assert set(_fields(edited)) == {"terms.amount", "terms.visits"}
    dinars = _create(trial, _version("per_study", {"amount": "10.125"}, "KWD"), code="KWD")
    assert dinars.status_code == 201, dinars.json
    unknown = _fields(_create(trial, _version("per_study", {"amount": "1"}, "ABC")))
    assert set(unknown) == {"version.currency"}
    floats = _create(trial, _version("per_study", {"amount": 0.1}), code="FLOAT")
    assert floats.status_code == 201 and floats.json["versions"][0]["terms"]["amount"] == "0.1"
    shapeless = _fields(_create(trial, _version("per_visit", {"visits": "all"})))
    assert shapeless == {"version": {"terms": {"visits": ["Not a valid list."]}}}
    assert "kind" in _fields(_create(trial, _version("per_hour", {})))["version"]


def test_only_who_manages_plans_writes_them_and_another_tenant_sees_none(
    trial: Trial, client_as, other_tenant
):
    version = _version("per_study", {"amount": "300.00"})
    for client in (trial.investigator, trial.monitor, trial.finance):
        assert _create(trial, version, client).status_code == 403
    plan = trial.plan("per_study", {"amount": "300.00"}, approve=False)
    listed: Any = trial.investigator.get(PLANS, headers=trial.headers)
    assert listed.json[0]["uuid"] == plan["uuid"]
    approval = {"approval_reference": "CPP", "approval_date": "2026-11-02"}
    refused = trial.finance.post(
        f"{PLANS}{plan['uuid']}/versions/1/approval",
        json=approval,
        headers={**trial.headers, "If-Match": trial.etag(plan["uuid"], 1)},
    )
    assert refused.status_code == 403
    outsider = client_as(other_tenant)
    assert outsider.get(f"{PLANS}{plan['uuid']}", headers=trial.headers).status_code == 404
