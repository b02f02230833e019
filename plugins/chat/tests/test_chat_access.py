"""The subject's link (only its hash kept, renewed by staff, failures rate-limited), bad
input of every kind refused with nothing written, another tenant seeing nothing, the
retention of closed threads' messages, and the demo thread."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.chat.demo import add_demo_thread
from plugins.chat.models import ChatLink
from plugins.chat.tests.support import PUBLIC, THREADS, Team, error


def test_the_link_opens_only_the_subjects_threads_and_can_be_renewed(
    team: Team, api_client, app, tenant
):
    thread = team.thread()
    team.say(team.investigator, thread, "Hello")
    old = team.token()
    assert error(team.link(team.monitor)) == (403, "PERMISSION_DENIED")
    assert team.link(team.lyon).status_code == 404  # a subject of a center not seen
    new = team.token()
    assert new != old
    assert error(api_client.get(f"{PUBLIC}/threads/", headers={"Chat-Token": old})) == (
        401,
        "CHAT_LINK_INVALID",
    )
    assert api_client.get(f"{PUBLIC}/threads/", headers={"Chat-Token": new}).status_code == 200
    assert error(api_client.get(f"{PUBLIC}/threads/")) == (401, "CHAT_LINK_INVALID")
    # Only the token's hash is stored.
    with app.app_context(), tenant_context(tenant.schema_name):
        stored = db.session.execute(sa.select(ChatLink.token_hash)).scalars().all()
    assert len(stored) == 1 and new not in stored[0] and len(stored[0]) == 64
    # Tokens that open nothing are limited per address: 10 in 15 minutes (2 above).
    answers = [
        api_client.get(f"{PUBLIC}/unread", headers={"Chat-Token": f"guess-{n}"}) for n in range(9)
    ]
    assert [a.status_code for a in answers[:8]] == [401] * 8
    assert error(answers[8]) == (429, "CHAT_TOO_MANY_ATTEMPTS")


def test_bad_input_is_refused_and_writes_nothing(team: Team, api_client, make_study):
    thread = team.thread()
    url = f"{THREADS}{thread['uuid']}/messages/"
    for body in (
        {"kind": "group", "title": "x"},
        {"kind": "subject", "title": ""},
        {"kind": "subject", "title": "x" * 201, "subject": team.subject},
        {"kind": "subject", "title": "x", "subject": "not-a-uuid"},
        {"kind": "staff", "title": "x", "participants": "everyone"},
        {"kind": ["subject"], "title": 3},
    ):
        refused = team.manager.post(THREADS, json=body, headers=team.headers)
        assert refused.status_code == 422, (body, refused.json)
    assert error(team.open(subject=None)) == (422, "CHAT_INVALID")
    unknown_center = team.open(team.manager, kind="staff", center=str(uuid.uuid4()))
    assert unknown_center.status_code == 404
    assert team.open(subject=str(uuid.uuid4())).status_code == 404
    bad_messages: list[dict[str, object]] = [
        {"text": ""},
        {"text": "x" * 4001},
        {"text": 5},
        {"text": "x", "corrects": "y"},
    ]
    for body in bad_messages:
        assert team.investigator.post(url, json=body, headers=team.headers).status_code == 422
    assert team.say(team.investigator, thread, "x", corrects=str(uuid.uuid4())).status_code == 422
    assert team.get(team.investigator, f"{thread['uuid']}/messages/").json == []
    assert team.get(team.investigator, str(uuid.uuid4())).status_code == 404
    assert team.get(team.investigator, "not-a-uuid").status_code == 404
    assert team.get(team.investigator, kind="other").status_code == 422
    assert team.investigator.get(THREADS).status_code in (400, 422)  # no Study-Uuid
    # A thread of another study of the tenant is not in reach from this one.
    other = make_study(team.manager, reference="CHAT-2")
    assert team.manager.get(f"{THREADS}{thread['uuid']}", headers=other.headers).status_code == 404
    public = {"Chat-Token": team.token()}
    huge = api_client.get(f"{PUBLIC}/threads/", headers={"Chat-Token": "x" * 100_000})
    assert huge.status_code in (401, 431)
    post = api_client.post(
        f"{PUBLIC}/threads/{thread['uuid']}/messages/", json={"text": ""}, headers=public
    )
    assert post.status_code == 422


def test_another_tenant_sees_nothing(
    team: Team, other_tenant, enable_plugins, client_as, api_client, client_for
):
    thread = team.thread()
    team.say(team.investigator, thread, "Hello")
    token = team.token()
    enable_plugins(other_tenant, "chat")
    stranger = client_as(other_tenant)
    assert stranger.get(THREADS, headers=team.headers).status_code in (403, 404)
    assert stranger.get(f"{THREADS}{thread['uuid']}", headers=team.headers).status_code in (
        403,
        404,
    )
    elsewhere = client_for(other_tenant)
    refused = elsewhere.get(f"{PUBLIC}/threads/", headers={"Chat-Token": token})
    assert error(refused) == (401, "CHAT_LINK_INVALID")


def test_retention_removes_old_messages_of_closed_threads(
    team: Team, nightly, clock, client_as, tenant
):
    kept, closed = team.thread(title="Open"), team.thread(title="Closed")
    for thread in (kept, closed):
        team.say(team.investigator, thread, "Old news")
    team.investigator.post(f"{THREADS}{closed['uuid']}/close", headers=team.headers)
    nightly("2030-05-07T06:00:00")  # no retention set: all kept
    assert len(team.get(team.investigator, f"{closed['uuid']}/messages/").json) == 1
    team.monitor.get(THREADS, headers=team.headers)  # their sessions stay open
    retention = {"retention_days": {"closed_chats": 1}}
    assert client_as(tenant).patch("/api/tenant/settings", json=retention).status_code == 200
    nightly("2030-05-07T09:00:00")  # the messages are 25 hours old
    assert team.get(team.investigator, f"{closed['uuid']}/messages/").json == []
    assert len(team.get(team.investigator, f"{kept['uuid']}/messages/").json) == 1
    trail: Any = team.monitor.get(
        "/api/audit-trails/",
        query_string={"object_type": "chat_messages", "action": "delete"},
        headers=team.headers,
    )
    (removed,) = trail.json["records"]
    assert removed["changes"]["text"][0] == "Old news" and removed["actor_type"] == "system"
    events: Any = team.monitor.get(
        "/api/audit-trails/",
        query_string={"object": closed["uuid"], "action": "retention"},
        headers=team.headers,
    )
    assert events.json["records"][0]["changes"]["messages_removed"] == [None, 1]


def test_the_demo_thread_is_added_once(app, team: Team, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant.schema_name), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(team.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_thread(study)
    (thread,) = team.get(team.investigator).json
    assert (thread["kind"], thread["subject"]) == ("subject", team.subject)
    assert thread["unread"] == 1
