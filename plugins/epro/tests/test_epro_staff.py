"""The staff side: questionnaires checked on save, who may do what, a subject's
occurrences with their delivery log, resend, corrections with a reason, failures in plain
sight, compliance; all limited to the centers the caller may see."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.epro.models import Questionnaire
from plugins.epro.tests.support import DIARY, make_trial, utc

QUESTIONNAIRES = "/api/epro/questionnaires/"


def writable(questionnaire: dict) -> dict:
    return {
        k: v for k, v in questionnaire.items() if k not in ("uuid", "created_at", "modified_at")
    }


def count_questionnaires(app, tenant) -> int:
    with app.app_context(), tenant_context(tenant.schema_name):
        return db.session.execute(
            sa.select(sa.func.count()).select_from(Questionnaire)
        ).scalar_one()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schedule": {"days": [0], "window_hours": 48, "available_hours": 24}}, "schedule"),
        ({"schedule": {"every_days": 7, "window_hours": 1, "available_hours": 2}}, "schedule"),
        (
            {
                "schedule": {
                    "days": [0],
                    "send_time": "25:00",
                    "window_hours": 1,
                    "available_hours": 2,
                }
            },
            "schedule",
        ),
        ({"reminders": {"every_hours": 4, "max": 2, "quiet_start": "21:00"}}, "reminders"),
        ({"channels": ["fax"]}, "channels"),
        ({"blocks": [{"kind": "question", "code": "doc", "type": "file"}]}, "blocks"),
        (
            {
                "blocks": [
                    {
                        "kind": "question",
                        "code": "docs",
                        "type": "repeating_group",
                        "columns": [{"code": "doc", "type": "file"}],
                    }
                ]
            },
            "blocks",
        ),
        ({"code": "has space"}, "code"),
    ],
)
def test_a_bad_questionnaire_is_refused_and_nothing_is_saved(app, trial, tenant, change, field):
    refused = trial.manager.post(
        QUESTIONNAIRES, json={**DIARY, "code": "OTHER", **change}, headers=trial.headers
    )
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert count_questionnaires(app, tenant) == 1


def test_a_form_with_problems_or_a_taken_code_is_refused(app, trial, tenant):
    broken = {
        **DIARY,
        "code": "OTHER",
        "blocks": [
            {"kind": "question", "code": "a", "type": "integer", "visible_if": {"var": "b"}},
            {"kind": "question", "code": "b", "type": "integer", "visible_if": {"var": "a"}},
        ],
    }
    refused = trial.manager.post(QUESTIONNAIRES, json=broken, headers=trial.headers)
    assert refused.status_code == 422 and refused.json["error"]["internal_code"] == 8000
    assert {
        "section": None,
        "block": None,
        "question": "a",
        "field": "visible_if",
        "message": "these depend on each other: a -> b -> a",
    } in refused.json["error"]["details"]["problems"]
    taken = trial.manager.post(QUESTIONNAIRES, json=DIARY, headers=trial.headers)
    assert taken.status_code == 409 and "code" in taken.json["error"]["fields"]
    assert count_questionnaires(app, tenant) == 1


@pytest.mark.requirement("P11-11.10g")
def test_who_may_do_what(join_study, trial, client_as, tenant, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    occurrence = trial.occurrences()[0]["uuid"]
    monitor = join_study(trial.headers, tenant, "monitor")
    viewer = join_study(trial.headers, tenant, "viewer")
    writable_diary = writable(trial.questionnaire)
    for client in (monitor, viewer, trial.investigator):
        assert client.get(QUESTIONNAIRES, headers=trial.headers).status_code == 200
        assert (
            client.post(
                QUESTIONNAIRES, json={**writable_diary, "code": "X"}, headers=trial.headers
            ).status_code
            == 403
        )
    for client in (monitor, viewer):
        assert client.get("/api/epro/compliance", headers=trial.headers).status_code == 200
        assert (
            client.post(f"/api/epro/occurrences/{occurrence}/resend", headers=trial.headers)
        ).status_code == 403
        assert (
            client.put(
                f"/api/epro/occurrences/{occurrence}/answers",
                json={"answers": {}},
                headers={**trial.headers, "Reason-For-Change": "x"},
            ).status_code
            == 403
        )
    outsider = client_as(tenant, "investigator")  # not in the study
    assert outsider.get(QUESTIONNAIRES, headers=trial.headers).status_code == 403


def test_an_investigator_sees_only_the_subjects_of_their_centers(
    join_study, trial, client_as, tenant, tick, outbox
):
    trial.include()
    tick("2030-03-04T08:00:00")
    occurrence = trial.occurrences()[0]["uuid"]
    lyon = join_study(trial.headers, tenant, "investigator", [trial.centers["LYO"]])
    assert lyon.get(f"/api/epro/occurrences/{occurrence}", headers=trial.headers).status_code == 404
    assert (
        lyon.get(f"/api/epro/subjects/{trial.subject}/occurrences", headers=trial.headers)
    ).status_code == 404
    assert lyon.get("/api/epro/messages/", headers=trial.headers).json == []
    assert lyon.get("/api/epro/occurrences/", headers=trial.headers).json == []
    rows = lyon.get("/api/epro/compliance", headers=trial.headers).json["questionnaires"]
    assert rows[0]["open"] == 0 and rows[0]["upcoming"] == 0
    assert trial.manager.get("/api/epro/messages/", headers=trial.headers).json != []


def test_resend_uses_the_same_link_and_only_while_open(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    first, second = sorted(trial.occurrences(), key=lambda o: o["day"])
    resent = trial.investigator.post(
        f"/api/epro/occurrences/{first['uuid']}/resend", headers=trial.headers
    )
    assert resent.status_code == 202, resent.json
    # Answered before its commit: delivery follows it.
    assert {m["status"] for m in resent.json} == {"queued"}
    not_sent_yet = trial.investigator.post(
        f"/api/epro/occurrences/{second['uuid']}/resend", headers=trial.headers
    )
    assert not_sent_yet.status_code == 409 and not_sent_yet.json["error"]["internal_code"] == 8006
    assert outbox.count() == (2, 2) and len(outbox.tokens()) == 1
    messages = trial.occurrences()[0]["messages"]
    assert len(messages) == 4 and {m["status"] for m in messages} == {"sent"}


@pytest.mark.requirement("A11-9", "E6-4.2.4")
def test_staff_correct_submitted_answers_only_with_a_reason(
    app, trial, tick, outbox, api_client, tenant
):
    trial.include()
    tick("2030-03-04T08:00:00")
    occurrence = trial.occurrences()[0]["uuid"]
    url = f"/api/epro/occurrences/{occurrence}/answers"
    early = trial.investigator.put(
        url, json={"answers": {"pain": 1}}, headers={**trial.headers, "Reason-For-Change": "x"}
    )
    assert early.status_code == 409  # not submitted: the subject is still answering
    with time_machine.travel(utc("2030-03-04T10:00:00"), tick=False):
        api_client.post(
            "/api/epro/public/questionnaire/submit",
            json={"answers": {"pain": 7, "nausea": False}},
            headers={"Qr-Code": outbox.token()},
        )
    seen = trial.investigator.get(url, headers=trial.headers)
    assert seen.status_code == 200 and seen.json["blocks"][1]["value"] == 7
    unexplained = trial.investigator.put(url, json={"answers": {"pain": 2}}, headers=trial.headers)
    assert unexplained.status_code == 422 and unexplained.json["error"]["internal_code"] == 6000
    assert trial.investigator.get(url, headers=trial.headers).json["blocks"][1]["value"] == 7
    corrected = trial.investigator.put(
        url,
        json={"answers": {"pain": 2}},
        headers={**trial.headers, "Reason-For-Change": "Subject phoned: typed 7 for 2"},
    )
    assert corrected.status_code == 200 and corrected.json["blocks"][1]["value"] == 2
    with app.app_context(), tenant_context(tenant.schema_name):
        last = db.session.execute(
            sa.select(AuditRecord)
            .where(AuditRecord.object_type == "epro_answers")
            .order_by(AuditRecord.sequence.desc())
            .limit(1)
        ).scalar_one()
    assert last.actor_type == "user" and last.reason == "Subject phoned: typed 7 for 2"
    assert last.changes["value"] == [7, 2]
    in_body = trial.investigator.put(
        url,
        json={"answers": {"pain": 3}, "reason_for_change": "Appel du sujet : 3, pas 2"},
        headers=trial.headers,
    )
    assert in_body.status_code == 200 and in_body.json["blocks"][1]["value"] == 3


@pytest.fixture
def provider(app, monkeypatch, sms_provider):
    """``provider(status, answer, secret=None)``: the loopback SMS provider answering every
    message so, set as SMS_URL; returns it (its ``messages()`` are what it received)."""

    def use(status: int, answer: bytes, secret: str | None = None):
        sms_provider.status, sms_provider.answer = status, answer
        url = sms_provider.url_with_secret(secret) if secret else sms_provider.url
        monkeypatch.setitem(app.config, "SMS_URL", url)
        return sms_provider

    return use


def test_a_failed_sms_shows_on_the_subject_and_the_study(
    trial, tick, outbox, provider, sweep_notifications
):
    provider(503, b"provider down")
    trial.include()
    tick("2030-03-04T08:00:00")
    sms = next(m for m in trial.occurrences()[0]["messages"] if m["channel"] == "sms")
    assert sms["status"] == "queued" and "503" in sms["error"]  # tried again soon
    sweep_notifications(utc("2030-03-04T08:01:00"))
    sweep_notifications(utc("2030-03-04T08:06:00"))  # the third and last attempt
    occurrence = trial.occurrences()[0]
    by_channel = {m["channel"]: m for m in occurrence["messages"]}
    assert by_channel["email"]["status"] == "sent"
    assert by_channel["sms"]["status"] == "failed"
    assert "503" in by_channel["sms"]["error"] and by_channel["sms"]["attempts"] == 3
    assert occurrence["failed_deliveries"] == 1
    failed = trial.investigator.get(
        "/api/epro/messages/", query_string={"status": "failed"}, headers=trial.headers
    ).json
    assert [(m["channel"], m["study_subject_id"], m["questionnaire_code"]) for m in failed] == [
        ("sms", "PAR-001", "DIARY")
    ]
    compliance = trial.manager.get("/api/epro/compliance", headers=trial.headers).json
    assert compliance["questionnaires"][0]["failed_deliveries"] == 1


def test_a_subject_without_a_phone_number_is_a_visible_failure(
    join_study, enable_plugins, client_as, make_study, tenant, tick, outbox
):
    enable_plugins(tenant, "epro")
    trial = make_trial(
        client_as, make_study, join_study, tenant, personal={"email": "only@example.org"}
    )
    trial.include()
    tick("2030-03-04T08:00:00")
    messages = {m["channel"]: m for m in trial.occurrences()[0]["messages"]}
    assert messages["sms"]["status"] == "failed"
    assert messages["sms"]["error"] == "The subject has no phone number."
    assert outbox.count() == (1, 0)


def test_compliance_counts_on_time_late_and_missed(trial, tick, outbox, api_client):
    trial.include()
    tick("2030-03-04T08:00:00")
    with time_machine.travel(utc("2030-03-05T09:00:00"), tick=False):  # after due, open
        api_client.post(
            "/api/epro/public/questionnaire/submit",
            json={"answers": {"pain": 1, "nausea": False}},
            headers={"Qr-Code": outbox.token()},
        )
    tick("2030-03-11T08:00:00")
    tick("2030-03-13T08:00:00")  # the second one closes unanswered
    (row,) = trial.manager.get("/api/epro/compliance", headers=trial.headers).json["questionnaires"]
    assert (row["on_time"], row["late"], row["missed"], row["open"]) == (0, 1, 1, 0)
    assert row["compliance"] == 0.5


def test_deactivating_a_questionnaire_cancels_what_is_open(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    saved = trial.save_questionnaire({**writable(trial.questionnaire), "active": False})
    assert saved.status_code == 200 and saved.json["active"] is False
    assert {o["status"] for o in trial.occurrences()} == {"cancelled"}
    tick("2030-03-11T08:00:00")
    assert outbox.count() == (1, 1)


def test_the_staff_api_answers_404_where_epro_is_not_enabled(client_as, make_study, tenant):
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR")
    refused = manager.get(QUESTIONNAIRES, headers=study.headers)
    assert refused.status_code == 404 and refused.json["error"]["internal_code"] == 4000


def test_the_http_provider_gets_the_message(trial, tick, outbox, provider):
    sms = provider(200, b'{"id": "provider-1"}', secret="key")
    trial.include()
    tick("2030-03-04T08:00:00")
    received = sms.messages()
    assert [r["to"] for r in received] == ["+33 6 00 00 00 01"]
    assert "/epro/" in received[0]["body"] and received[0]["body"].startswith("Votre")


@pytest.mark.requirement("P11-11.10h")
def test_the_provider_reports_a_bounce_signed_with_its_secret(
    trial, tick, outbox, api_client, provider
):
    provider(200, b'{"id": "sms-42"}', secret="s3cret")
    trial.include()
    tick("2030-03-04T08:00:00")
    url = "/api/epro/public/delivery-reports"
    report = {"id": "sms-42", "status": "bounced", "error": "number not in service"}
    for authorization in (None, "Bearer wrong"):
        headers = {"Authorization": authorization} if authorization else {}
        assert api_client.post(url, json=report, headers=headers).status_code == 401
    unknown = api_client.post(
        url, json={**report, "id": "sms-0"}, headers={"Authorization": "Bearer s3cret"}
    )
    assert unknown.status_code == 404
    bad = api_client.post(
        url, json={**report, "status": "lost"}, headers={"Authorization": "Bearer s3cret"}
    )
    assert bad.status_code == 422
    taken = api_client.post(url, json=report, headers={"Authorization": "Bearer s3cret"})
    assert taken.status_code == 200 and taken.json["status"] == "bounced"
    sms = next(m for m in trial.occurrences()[0]["messages"] if m["channel"] == "sms")
    assert (sms["status"], sms["error"]) == ("bounced", "number not in service")
    compliance = trial.manager.get("/api/epro/compliance", headers=trial.headers).json
    assert compliance["questionnaires"][0]["failed_deliveries"] == 1


def test_answered_questions_keep_their_code_and_type(trial, tick, outbox, api_client):
    trial.include()
    tick("2030-03-04T08:00:00")
    with time_machine.travel(utc("2030-03-04T10:00:00"), tick=False):
        api_client.put(
            "/api/epro/public/questionnaire",
            json={"answers": {"pain": 3}},
            headers={"Qr-Code": outbox.token()},
        )
    diary = writable(trial.questionnaire)
    without_pain = {**diary, "blocks": [b for b in diary["blocks"] if b.get("code") != "pain"]}
    retyped = {
        **diary,
        "blocks": [
            {**b, "type": "short_text", "options": {}} if b.get("code") == "pain" else b
            for b in diary["blocks"]
        ],
    }
    for change in (without_pain, retyped):
        refused = trial.save_questionnaire(change)
        assert refused.status_code == 409 and refused.json["error"]["internal_code"] == 8007
        assert refused.json["error"]["details"]["questions"] == ["pain"]
    unanswered_removed = {
        **diary,
        "blocks": [b for b in diary["blocks"] if b.get("code") != "nausea_days"],
    }
    assert trial.save_questionnaire(unanswered_removed).status_code == 200


def test_the_study_lists_its_occurrences_by_status(trial, tick, outbox, client_as, tenant):
    trial.include()
    tick("2030-03-06T08:00:00")  # the first one closed unsent: missed
    missed = trial.manager.get(
        "/api/epro/occurrences/", query_string={"status": "expired"}, headers=trial.headers
    )
    assert missed.status_code == 200
    assert [(o["study_subject_id"], o["day"]) for o in missed.json] == [("PAR-001", 0)]
    everything = trial.manager.get(
        "/api/epro/occurrences/",
        query_string={"questionnaire": trial.questionnaire["uuid"], "center": trial.centers["PAR"]},
        headers=trial.headers,
    )
    assert [o["day"] for o in everything.json] == [7, 0]  # most recently opened first
    assert (
        trial.manager.get(
            "/api/epro/occurrences/",
            query_string={"center": trial.centers["LYO"]},
            headers=trial.headers,
        ).json
        == []
    )
    bad = trial.manager.get(
        "/api/epro/occurrences/", query_string={"status": "lost"}, headers=trial.headers
    )
    assert bad.status_code == 422


def test_links_point_to_the_tenant_host_when_the_frontend_url_names_it(
    app, trial, tick, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "DATACAPT_FRONTEND_URL", "https://{host}")
    trial.include()
    tick("2030-03-04T08:00:00")
    (sms,) = outbox.sms()
    assert f"https://{trial.investigator.host}/epro/{outbox.token()}" in sms["body"]


def test_staff_hand_the_link_out_for_a_qr_code_at_the_site(
    join_study, app, trial, client_as, tenant, api_client, outbox
):
    # Included yesterday: day 0 opened yesterday morning and stays open 48 hours.
    trial.include((dt.date.today() - dt.timedelta(days=1)).isoformat())
    first, later = sorted(trial.occurrences(), key=lambda o: o["day"])
    url = f"/api/epro/occurrences/{first['uuid']}/link"
    monitor = join_study(trial.headers, tenant, "monitor")
    assert monitor.post(url, headers=trial.headers).status_code == 403
    too_early = trial.investigator.post(
        f"/api/epro/occurrences/{later['uuid']}/link", headers=trial.headers
    )
    assert too_early.status_code == 409 and too_early.json["error"]["internal_code"] == 8006
    handed = trial.investigator.post(url, headers=trial.headers)
    assert handed.status_code == 200, handed.json
    assert handed.json["link"].endswith(f"/epro/{handed.json['token']}")
    opened = api_client.get(
        "/api/epro/public/questionnaire", headers={"Qr-Code": handed.json["token"]}
    )
    assert opened.status_code == 200 and opened.json["status"] == "sent"
    assert outbox.count() == (0, 0)  # handed over in person: nothing was emailed
    with app.app_context(), tenant_context(tenant.schema_name):
        record = db.session.execute(
            sa.select(AuditRecord).where(AuditRecord.action == "link_handed_out")
        ).scalar_one()
    assert record.actor_type == "user" and record.object_id == first["uuid"]


def test_reactivating_brings_back_what_was_never_sent(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")  # day 0 sent, day 7 planned
    diary = writable(trial.questionnaire)
    trial.save_questionnaire({**diary, "active": False})
    again = trial.save_questionnaire({**diary, "active": True})
    assert again.status_code == 200
    statuses = {o["day"]: (o["status"], o["cancel_reason"]) for o in trial.occurrences()}
    assert statuses[0] == ("cancelled", "The questionnaire was deactivated.")  # it was sent
    assert statuses[7] == ("scheduled", None)
    tick("2030-03-11T08:00:00")
    assert outbox.count() == (2, 2)
