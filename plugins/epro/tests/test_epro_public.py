"""A subject's access from their link: no staff login, progress saved, submission, then
read-only; the token opens that questionnaire and nothing else; expired, cancelled and
guessed tokens are refused; every answer is audited with the subject as actor."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.testing import tenant_host
from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.epro.models import EproAnswer
from plugins.epro.tests.support import utc

FAILURE_LIMIT = 10  # the default of DATACAPT_EPRO_TOKEN_FAILURE_LIMIT, per 15 minutes

URL = "/api/epro/public/questionnaire"
SUBMIT = f"{URL}/submit"
OPEN_TIME = "2030-03-04T10:00:00"  # the first occurrence is open


def sent(trial, tick, outbox) -> str:
    """The subject is included and invited; returns the token of their link."""
    trial.include()
    tick("2030-03-04T08:00:00")
    return outbox.token()


def at(moment: str = OPEN_TIME):
    return time_machine.travel(utc(moment), tick=False)


@pytest.mark.requirement("P11-11.10f")
def test_the_subject_saves_progress_then_submits_and_it_becomes_read_only(
    trial, tick, outbox, api_client
):
    token = sent(trial, tick, outbox)
    headers = {"Qr-Code": token}
    with at():
        opened = api_client.get(URL, headers=headers)
        assert opened.status_code == 200, opened.json
        assert opened.json["questionnaire"] == trial.questionnaire["uuid"]
        assert opened.json["questionnaire_title"] == {"en": "Diary", "fr": "Journal"}
        assert [b["kind"] for b in opened.json["blocks"]] == [
            "static",
            "question",
            "question",
            "question",
        ]
        saved = api_client.put(URL, json={"answers": {"pain": 4}}, headers=headers)
        assert saved.status_code == 200 and saved.json["status"] == "started"
        assert api_client.get(URL, headers=headers).json["blocks"][1]["value"] == 4
        # A conditional question appears with its condition, and is then required.
        incomplete = api_client.post(SUBMIT, json={"answers": {"nausea": True}}, headers=headers)
        assert incomplete.status_code == 422
        assert incomplete.json["error"]["internal_code"] == 8005
        assert set(incomplete.json["error"]["fields"]) == {"nausea_days"}
        # Nothing of the refused submission was kept.
        assert api_client.get(URL, headers=headers).json["blocks"][2]["value"] is None
        done = api_client.post(
            SUBMIT, json={"answers": {"nausea": True, "nausea_days": 2}}, headers=headers
        )
        assert done.status_code == 200, done.json
        assert done.json["status"] == "completed" and done.json["completed_at"]
        again = api_client.put(URL, json={"answers": {"pain": 9}}, headers=headers)
        assert again.status_code == 409 and again.json["error"]["internal_code"] == 8004
        assert api_client.post(SUBMIT, json={}, headers=headers).status_code == 409
        read_only = api_client.get(URL, headers=headers)
        assert read_only.status_code == 200 and read_only.json["blocks"][1]["value"] == 4


@pytest.mark.requirement("E6-4.2.1")
def test_answers_are_checked_against_their_questions(trial, tick, outbox, api_client):
    token = sent(trial, tick, outbox)
    with at():
        bad = api_client.put(
            URL, json={"answers": {"pain": 11, "unknown": 1}}, headers={"Qr-Code": token}
        )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"pain", "unknown"}
    assert trial.occurrences()[0]["status"] == "sent"  # nothing written


def test_an_answer_with_a_nul_character_is_refused_naming_it(trial, tick, outbox, api_client):
    token = sent(trial, tick, outbox)
    with at():
        bad = api_client.put(
            URL,
            data='{"answers": {"pain": 4, "nausea": "no\\u0000"}}',
            content_type="application/json",
            headers={"Qr-Code": token},
        )
    assert bad.status_code == 422 and bad.json["error"]["internal_name"] == "CHARACTERS_REFUSED"
    assert list(bad.json["error"]["fields"]) == ["answers.nausea"]
    assert trial.occurrences()[0]["status"] == "sent"  # nothing written


@pytest.mark.requirement("P11-11.10e", "A11-12")
def test_subject_answers_are_audited_with_the_subject_as_actor(
    app, trial, tick, outbox, api_client, tenant
):
    token = sent(trial, tick, outbox)
    with at():
        api_client.put(URL, json={"answers": {"pain": 4}}, headers={"Qr-Code": token})
        api_client.put(URL, json={"answers": {"pain": 5}}, headers={"Qr-Code": token})
    with app.app_context(), tenant_context(tenant.schema_name):
        records = (
            db.session.execute(
                sa.select(AuditRecord)
                .where(AuditRecord.object_type == EproAnswer.__tablename__)
                .order_by(AuditRecord.sequence)
            )
            .scalars()
            .all()
        )
    assert [(r.action, r.changes["value"]) for r in records] == [
        ("create", [None, 4]),
        ("update", [4, 5]),
    ]
    assert {(r.actor_type, r.actor_id, r.actor_name) for r in records} == {
        ("subject", trial.subject, "PAR-001")
    }
    assert {r.study_id for r in records} == {trial.headers["Study-Uuid"]}


@pytest.mark.requirement("E6-4.2.2")
def test_a_subject_s_trail_names_the_occurrence_and_question_of_each_answer(
    trial, tick, outbox, api_client, join_study, tenant
):
    token = sent(trial, tick, outbox)
    with at():
        api_client.put(URL, json={"answers": {"pain": 4}}, headers={"Qr-Code": token})
        api_client.put(URL, json={"answers": {"pain": 5}}, headers={"Qr-Code": token})
    (occurrence, *_) = trial.occurrences()
    reader = join_study(trial.headers, tenant, "data_manager")
    history = reader.get("/api/audit-trails/", query_string={"subject": trial.subject}).json
    answers = [r for r in history["records"] if r["object_type"] == "epro_answers"]
    assert [r["changes"]["value"] for r in answers] == [[None, 4], [4, 5]]
    assert {(r["section_id"], r["question"], r["center_id"]) for r in answers} == {
        (occurrence["uuid"], "pain", trial.centers["PAR"])
    }
    assert answers[0]["changes"]["occurrence_id"] == [None, occurrence["uuid"]]
    # What the tick did to the occurrence (a job, outside any request) is the subject's too.
    sent_by_tick = [r for r in history["records"] if r["object_id"] == occurrence["uuid"]]
    assert sent_by_tick and all(r["subject_id"] == trial.subject for r in sent_by_tick)


@pytest.mark.requirement("P11-11.10h")
def test_the_token_reaches_nothing_else(trial, tick, outbox, api_client):
    token = sent(trial, tick, outbox)
    with at():
        for path in (
            f"/api/subjects/{trial.subject}",
            f"/api/epro/subjects/{trial.subject}/occurrences",
            "/api/epro/questionnaires/",
            "/api/users/me",
        ):
            for headers in ({"Qr-Code": token}, {"Authorization": f"Bearer {token}"}):
                refused = api_client.get(path, headers={**headers, **trial.headers})
                assert refused.status_code == 401, (path, headers)


@pytest.mark.requirement("P11-11.10h", "E6-4.3.3")
def test_a_token_of_another_tenant_opens_nothing(
    trial, tick, outbox, enable_plugins, client_for, other_tenant
):
    token = sent(trial, tick, outbox)
    enable_plugins(other_tenant, "epro")
    with at():
        refused = client_for(other_tenant).get(URL, headers={"Qr-Code": token})
    assert refused.status_code == 401 and refused.json["error"]["internal_code"] == 8001


@pytest.mark.requirement("P11-11.10h")
def test_an_expired_or_cancelled_link_is_refused(trial, tick, outbox, api_client):
    token = sent(trial, tick, outbox)
    with at("2030-03-06T07:59:00"):
        assert api_client.get(URL, headers={"Qr-Code": token}).status_code == 200
    with at("2030-03-06T08:00:00"):  # the window closed, before any tick expired it
        expired = api_client.get(URL, headers={"Qr-Code": token})
    assert expired.status_code == 410 and expired.json["error"]["internal_code"] == 8002
    tick("2030-03-11T08:00:00")
    second = next(o for o in trial.occurrences() if o["day"] == 7)
    cancelled = trial.investigator.post(
        f"/api/epro/occurrences/{second['uuid']}/cancel",
        json={"reason": "Subject in hospital"},
        headers=trial.headers,
    )
    assert cancelled.status_code == 200 and cancelled.json["cancel_reason"] == "Subject in hospital"
    (second_token,) = outbox.tokens() - {token}
    with at("2030-03-11T09:00:00"):
        assert api_client.get(URL, headers={"Qr-Code": second_token}).status_code == 410


@pytest.mark.requirement("E6-4.3.3")
def test_guessing_tokens_is_rate_limited_and_never_blocks_a_valid_link(
    trial, tick, outbox, api_client
):
    token = sent(trial, tick, outbox)
    with at():
        assert api_client.get(URL).status_code == 401  # no token at all counts too
        for attempt in range(FAILURE_LIMIT - 1):
            guessed = api_client.get(URL, headers={"Qr-Code": f"guess-{attempt}"})
            assert guessed.status_code == 401 and guessed.json["error"]["internal_code"] == 8001
        limited = api_client.get(URL, headers={"Qr-Code": "one guess too many"})
        assert limited.status_code == 429 and limited.json["error"]["internal_code"] == 8003
        assert 0 < limited.json["error"]["details"]["retry_after_seconds"] <= 15 * 60
        assert int(limited.headers["Retry-After"]) > 0
        # A subject at the same address (a site's network) still opens their link.
        assert api_client.get(URL, headers={"Qr-Code": token}).status_code == 200
    with at("2030-03-04T10:15:01"):
        assert api_client.get(URL, headers={"Qr-Code": "guess again"}).status_code == 401


def test_guesses_are_counted_atomically_per_address_across_tenants(
    trial, api_client, client_for, other_tenant, enable_plugins
):
    enable_plugins(other_tenant, "epro")
    clients = [api_client, client_for(other_tenant)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda n: clients[n % 2].get(URL, headers={"Qr-Code": f"guess-{n}"}).status_code,
                range(3 * FAILURE_LIMIT),
            )
        )
    assert answers.count(401) == FAILURE_LIMIT and answers.count(429) == 2 * FAILURE_LIMIT


def test_public_routes_answer_404_where_epro_is_not_enabled(client_for, other_tenant):
    refused = client_for(other_tenant).get(URL, headers={"Qr-Code": "anything"})
    assert refused.status_code == 404 and refused.json["error"]["internal_code"] == 4000


def test_the_api_description_names_the_token_header(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path, method in ((URL, "get"), (URL, "put"), (SUBMIT, "post")):
        names = [p["name"] for p in paths[path][method].get("parameters", [])]
        assert "Qr-Code" in names, (path, method)


def test_behind_a_proxy_each_client_address_is_limited_apart(
    app_with_plugins, enable_plugins, tenant
):
    enable_plugins(tenant, "epro")
    proxied = app_with_plugins(trusted_proxies=1)
    client = proxied.test_client().for_host(tenant_host(proxied, tenant))

    def guess(address: str):
        return client.get(URL, headers={"Qr-Code": "guess", "X-Forwarded-For": address})

    for _ in range(FAILURE_LIMIT):
        assert guess("203.0.113.1").status_code == 401
    assert guess("203.0.113.1").status_code == 429
    assert guess("203.0.113.2").status_code == 401  # another subject is not locked out
