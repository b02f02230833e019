"""The panel through the API: profile questions, registration once per email, answers
checked by the form engine, consents, searches on answers and consents, saved filters with
their count, who may do what, another tenant's panel out of reach, bad input refused."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db
from plugins.subject_repository.tests.conftest import Panel
from plugins.subject_repository.tests.support import (
    BASE,
    BLOCKS,
    FILTERS,
    VOLUNTEERS,
    count,
    error,
    ok,
    register,
    search,
)

DRY = {"question": "skin_type", "op": "eq", "value": "dry"}


def test_profiles_searches_and_saved_filters(panel: Panel, client_as, tenant):
    manager = panel.manager
    ok(manager.put(f"{BASE}/profile-form", json={"blocks": BLOCKS}))
    bad_design = [{**BLOCKS[1], "options": {"min": 6, "max": 1}}]
    refused = manager.put(f"{BASE}/profile-form", json={"blocks": bad_design})
    assert error(refused, 422)["internal_code"] == 7431
    assert ok(manager.get(f"{BASE}/profile-form"))["revision"] == 1

    ada = register(manager, "ada@example.org")
    assert register(manager, "ADA@example.org ".strip())["uuid"] == ada["uuid"]
    bob = register(manager, "bob@example.org", first_name="Bob")
    cyd = register(manager, "cyd@example.org", first_name="Cyd")
    answers = {
        ada["uuid"]: {"skin_type": "dry", "phototype": 2, "allergies": ["nickel", "latex"]},
        bob["uuid"]: {"skin_type": "dry", "phototype": 5, "allergies": ["none"]},
        cyd["uuid"]: {"skin_type": "oily", "phototype": 3},
    }
    for uuid, given in answers.items():
        saved = ok(manager.patch(f"{VOLUNTEERS}{uuid}/profile", json={"answers": given}))
        assert saved["profile"] == given
    wrong = manager.patch(
        f"{VOLUNTEERS}{ada['uuid']}/profile",
        json={"answers": {"phototype": "high", "skin_type": "purple", "nope": 1}},
    )
    assert error(wrong, 422)["internal_code"] == 7432
    assert set(error(wrong, 422)["fields"]) == {"phototype", "skin_type", "nope"}
    assert ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}"))["profile"] == answers[ada["uuid"]]

    ok(
        manager.post(
            f"{VOLUNTEERS}{ada['uuid']}/consents", json={"purpose": "contact_for_studies"}
        ),
        201,
    )
    ok(manager.post(f"{VOLUNTEERS}{bob['uuid']}/consents", json={"purpose": "newsletter"}), 201)
    ok(manager.post(f"{VOLUNTEERS}{bob['uuid']}/consents/withdraw", json={"purpose": "newsletter"}))
    again = manager.post(
        f"{VOLUNTEERS}{bob['uuid']}/consents/withdraw", json={"purpose": "newsletter"}
    )
    assert error(again, 409)["internal_code"] == 7436
    consents = ok(manager.get(f"{VOLUNTEERS}{bob['uuid']}/consents"))
    assert [(c["purpose"], c["withdrawn_at"] is not None) for c in consents] == [
        ("newsletter", True)
    ]

    ids = {v["uuid"]: v["platform_id"] for v in (ada, bob, cyd)}
    assert search(manager, {"profile": [DRY]}) == [ids[ada["uuid"]], ids[bob["uuid"]]]
    three = [
        DRY,
        {"question": "phototype", "op": "lte", "value": 3},
        {"question": "allergies", "op": "has", "value": "nickel"},
    ]
    assert search(manager, {"profile": three}) == [ids[ada["uuid"]]]
    assert count(manager, {"profile": [DRY], "contact": True}) == 1
    assert count(manager, {"consents": ["newsletter"]}) == 0
    assert (
        count(
            manager, {"profile": [{"question": "skin_type", "op": "in", "value": ["oily", "dry"]}]}
        )
        == 3
    )
    assert count(manager, {"profile": [{"question": "allergies", "op": "not_answered"}]}) == 1

    for spec, field in (
        ({"profile": [{"question": "height", "op": "eq", "value": 1}]}, "profile.0.question"),
        (
            {"profile": [{"question": "phototype", "op": "eq", "value": "x" * 5000}]},
            "profile.0.value",
        ),
        ({"profile": [{"question": "skin_type", "op": "gte", "value": "dry"}]}, "profile.0.op"),
        ({"profile": [{"question": "skin_type", "op": "in", "value": "dry"}]}, "profile.0.value"),
        ({"eligible_for": "6f1e5b52-0000-4000-8000-000000000000"}, "eligible_for"),
        ({"consents": ["spam"]}, "consents"),
        ({"profile": "dry"}, "profile"),
    ):
        refused = manager.post(f"{VOLUNTEERS}count", json={"spec": spec})
        envelope = error(refused, 422)
        assert envelope["internal_code"] == 7433
        assert field in str(envelope["fields"]), envelope

    saved = ok(manager.post(FILTERS, json={"name": "Dry skins", "spec": {"profile": [DRY]}}), 201)
    assert saved["count"] == 2
    taken = manager.post(FILTERS, json={"name": "Dry skins", "spec": {}})
    assert error(taken, 409)["internal_code"] == 7434
    bad = manager.post(
        FILTERS, json={"name": "Bad", "spec": {"profile": [{"question": "x", "op": "eq"}]}}
    )
    assert bad.status_code == 422
    by_saved = ok(manager.post(f"{VOLUNTEERS}search", json={"saved_filter": saved["uuid"]}))
    assert [v["uuid"] for v in by_saved] == [ada["uuid"], bob["uuid"]]
    ok(
        manager.patch(
            f"{FILTERS}{saved['uuid']}", json={"spec": {"profile": [DRY], "contact": True}}
        )
    )
    assert [(f["name"], f["count"]) for f in ok(manager.get(FILTERS))] == [("Dry skins", 1)]
    # A question the filter names leaves the design: the filter stays listed, without count.
    ok(manager.put(f"{BASE}/profile-form", json={"blocks": BLOCKS[1:]}))
    assert [f["count"] for f in ok(manager.get(FILTERS))] == [None]
    ok(manager.put(f"{BASE}/profile-form", json={"blocks": BLOCKS}))
    assert manager.delete(f"{FILTERS}{saved['uuid']}").status_code == 204
    assert ok(manager.get(FILTERS)) == []

    # Who may: an investigator reads the panel but changes nothing and sees no names; a
    # viewer has no panel at all.
    investigator = client_as(tenant, "investigator")
    assert len(ok(investigator.get(VOLUNTEERS))) == 3
    assert (
        investigator.patch(f"{VOLUNTEERS}{ada['uuid']}/profile", json={"answers": {}}).status_code
        == 403
    )
    assert investigator.get(f"{VOLUNTEERS}{ada['uuid']}/personal-data").status_code == 403
    assert investigator.post(FILTERS, json={"name": "x", "spec": {}}).status_code == 403
    assert client_as(tenant, "viewer").get(VOLUNTEERS).status_code == 403

    personal = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/personal-data"))
    assert (personal["first_name"], personal["email"]) == ("Ada", "ada@example.org")
    ok(manager.post(f"{VOLUNTEERS}{ada['uuid']}/notes", json={"text": "Prefers mornings"}), 201)
    assert [n["text"] for n in ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/notes"))] == [
        "Prefers mornings"
    ]
    # Lists give no profile answers; reading one volunteer's is audited.
    assert all("profile" not in v for v in ok(manager.get(VOLUNTEERS)))
    assert "skin_type" in ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}"))["profile"]
    with panel.inside():
        reads = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.object_type)
            .where(AuditRecord.action.in_(["read", "read_notes", "read_profile"]))
            .order_by(AuditRecord.sequence)
        ).all()
    assert [tuple(r) for r in reads][-3:] == [
        ("read", "subject_personal_data"),
        ("read_notes", "panel_volunteers"),
        ("read_profile", "panel_volunteers"),
    ]


def test_bad_input_is_refused_and_another_tenant_sees_nothing(
    panel: Panel, enable_plugins, client_as, other_tenant
):
    manager = panel.manager
    ada = register(manager, "ada@example.org")
    for body in (
        {"first_name": "A", "last_name": "B"},
        {"first_name": "A" * 101, "last_name": "B", "email": "a@example.org"},
        {"first_name": "A", "last_name": "B", "email": "not an email"},
        {"first_name": 3, "last_name": [], "email": "a@example.org", "birth_date": "yesterday"},
    ):
        assert manager.post(VOLUNTEERS, json=body).status_code == 422, body
    assert len(ok(manager.get(VOLUNTEERS))) == 1
    calls: tuple[tuple[str, Any], ...] = (
        (f"{VOLUNTEERS}{ada['uuid']}/consents", {"purpose": "spam"}),
        (f"{VOLUNTEERS}{ada['uuid']}/notes", {"text": ""}),
        (f"{VOLUNTEERS}{ada['uuid']}/erasure-requests", {"reason": 5}),
        (f"{VOLUNTEERS}count", {"spec": [1, 2]}),
        (f"{VOLUNTEERS}count", {"saved_filter": "nope"}),
    )
    for url, body in calls:
        assert manager.post(url, json=body).status_code == 422, (url, body)
    assert (
        manager.patch(f"{VOLUNTEERS}{ada['uuid']}/profile", json={"answers": []}).status_code == 422
    )
    assert manager.get(f"{VOLUNTEERS}{ada['uuid']}/eligibility?study=x").status_code == 422
    unknown = "6f1e5b52-0000-4000-8000-000000000000"
    assert manager.get(f"{VOLUNTEERS}{unknown}").status_code == 404
    assert manager.get(f"{VOLUNTEERS}{ada['uuid']}/eligibility?study={unknown}").status_code == 404
    missing = manager.post(f"{VOLUNTEERS}count", json={"saved_filter": unknown})
    assert missing.status_code == 404

    enable_plugins(other_tenant, "subject_repository")
    stranger = client_as(other_tenant)
    assert ok(stranger.get(VOLUNTEERS)) == []
    assert stranger.get(f"{VOLUNTEERS}{ada['uuid']}").status_code == 404
    assert stranger.get(f"{VOLUNTEERS}{ada['uuid']}/personal-data").status_code == 404
    assert register(stranger, "ada@example.org")["uuid"] != ada["uuid"]


def test_concurrent_registrations_of_one_email_make_one_volunteer(panel: Panel):
    uuids: list[str] = []

    def sign_up() -> None:
        uuids.append(register(panel.manager, "same@example.org")["uuid"])

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(uuids) == 4 and len(set(uuids)) == 1
    assert len(ok(panel.manager.get(VOLUNTEERS))) == 1
