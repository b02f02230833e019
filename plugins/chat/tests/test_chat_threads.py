"""Who sees which thread: a subject thread by the staff talking with subjects at its
center and by its subject, a staff thread by its participants only; unread counts and
read receipts; messages never changed, corrections new messages; every write audited."""

from __future__ import annotations

import io
from typing import Any

import pytest

from plugins.chat.tests.support import PDF, PUBLIC, THREADS, Team, error


def uuids(response: Any) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["uuid"] for item in response.json]


@pytest.mark.requirement("P11-11.10e")
def test_a_subject_thread_is_seen_by_its_center_staff_and_its_subject(team: Team, api_client):
    thread = team.thread(participants=[str(team.colleague.user.uuid)])
    assert (thread["kind"], thread["subject"], thread["unread"]) == ("subject", team.subject, 0)
    assert {p["kind"] for p in thread["participants"]} == {"staff", "subject"}
    # Staff of another center, and staff without chat.subjects, do not see it.
    assert uuids(team.get(team.lyon)) == []
    assert team.get(team.lyon, thread["uuid"]).status_code == 404
    assert uuids(team.get(team.monitor)) == []
    assert team.get(team.monitor, f"{thread['uuid']}/messages/").status_code == 404
    assert error(team.open(team.monitor)) == (403, "CHAT_NOT_ALLOWED")
    assert team.open(team.lyon).status_code == 404  # a subject of a center not seen
    # The viewer reads but does not write.
    assert team.say(team.viewer, thread, "Hello").status_code == 403

    sent = team.say(team.investigator, thread, "Please bring your diary.")
    assert sent.status_code == 201, sent.json
    assert (sent.json["author_kind"], sent.json["read_by"]) == ("staff", [])
    assert team.get(team.colleague, thread["uuid"]).json["unread"] == 1
    assert team.get(team.manager, thread["uuid"]).json["unread"] == 1  # sees every center

    # The subject, from their link: their thread, unread, and the receipt staff see.
    subject = {"Chat-Token": team.token()}
    listed: Any = api_client.get(f"{PUBLIC}/threads/", headers=subject)
    assert [(t["uuid"], t["unread"]) for t in listed.json] == [(thread["uuid"], 1)]
    assert api_client.get(f"{PUBLIC}/unread", headers=subject).json == {
        "threads": 1,
        "messages": 1,
    }
    read: Any = api_client.post(f"{PUBLIC}/threads/{thread['uuid']}/read", headers=subject)
    assert read.status_code == 200 and read.json["unread"] == 0
    messages: Any = team.get(team.investigator, f"{thread['uuid']}/messages/")
    assert [r["kind"] for r in messages.json[0]["read_by"]] == ["subject"]
    answer: Any = api_client.post(
        f"{PUBLIC}/threads/{thread['uuid']}/messages/", json={"text": "I will."}, headers=subject
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["mine"] is True and answer.json["read"] is False

    # Unread counts per caller, and their receipt.
    unread: Any = team.investigator.get("/api/chat/unread", headers=team.headers)
    assert unread.json == {"threads": 1, "messages": 1}
    colleague: Any = team.colleague.get("/api/chat/unread", headers=team.headers)
    assert colleague.json == {"threads": 1, "messages": 2}
    marked: Any = team.investigator.post(f"{THREADS}{thread['uuid']}/read", headers=team.headers)
    assert marked.json["unread"] == 0
    again: Any = team.investigator.get("/api/chat/unread", headers=team.headers)
    assert again.json["messages"] == 0
    shown: Any = api_client.get(f"{PUBLIC}/threads/{thread['uuid']}/messages/", headers=subject)
    assert [(m["mine"], m["read"]) for m in shown.json] == [(True, True), (False, True)]

    # Messages are never changed: a correction is a new message of the same author.
    message = sent.json["uuid"]
    assert team.investigator.patch(
        f"{THREADS}{thread['uuid']}/messages/{message}", json={"text": "x"}, headers=team.headers
    ).status_code in (404, 405)
    foreign = team.say(team.colleague, thread, "Sorry: a notebook.", corrects=message)
    assert error(foreign) == (422, "CHAT_CORRECTION_INVALID")
    corrected = team.say(team.investigator, thread, "Sorry: your notebook.", corrects=message)
    assert corrected.status_code == 201 and corrected.json["corrects"] == message
    texts = [m["text"] for m in team.get(team.colleague, f"{thread['uuid']}/messages/").json]
    assert texts == ["Sorry: your notebook.", "I will.", "Please bring your diary."]

    # Each message is in the audit trail, under the subject, by whom wrote it.
    trail: Any = team.monitor.get(
        "/api/audit-trails/",
        query_string={"object_type": "chat_messages", "action": "create"},
        headers=team.headers,
    )
    records = trail.json["records"]
    assert len(records) == 3
    assert {r["subject_id"] for r in records} == {team.subject}
    assert {r["actor_type"] for r in records} == {"user", "subject"}
    assert "I will." in [r["changes"]["text"][1] for r in records]


def test_a_staff_thread_is_seen_by_its_participants_only(team: Team, api_client):
    at_paris = team.thread(
        team.manager,
        kind="staff",
        title="Monitoring visit",
        subject=None,
        center=team.centers["PAR"],
        participants=[str(team.monitor.user.uuid), str(team.investigator.user.uuid)],
    )
    assert (at_paris["kind"], at_paris["subject"]) == ("staff", None)
    # A member who does not see its center cannot take part.
    refused = team.open(
        team.manager,
        kind="staff",
        center=team.centers["PAR"],
        participants=[str(team.lyon.user.uuid)],
    )
    assert error(refused) == (422, "CHAT_PARTICIPANT_INVALID")
    # A member restricted to some centers names the thread's center.
    assert error(team.open(team.investigator, kind="staff")) == (422, "CHAT_INVALID")
    assert team.say(team.monitor, at_paris, "Source documents ready?").status_code == 201
    assert uuids(team.get(team.investigator)) == [at_paris["uuid"]]
    assert team.get(team.investigator, at_paris["uuid"]).json["unread"] == 1
    # Not a participant: not seen, even at the same center with every chat permission.
    assert uuids(team.get(team.colleague)) == []
    assert team.get(team.colleague, at_paris["uuid"]).status_code == 404
    assert team.say(team.colleague, at_paris, "Me too").status_code == 404
    # Its files reach its participants from the thread only, never from the file storage.
    sent: Any = team.monitor.post(
        f"{THREADS}{at_paris['uuid']}/messages/file",
        data={"file": (io.BytesIO(PDF), "visit.pdf", "application/pdf"), "text": "Report"},
        headers=team.headers,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, sent.json
    download = f"{THREADS}{at_paris['uuid']}/messages/{sent.json['uuid']}/file"
    assert team.investigator.get(download, headers=team.headers).data == PDF
    assert team.colleague.get(download, headers=team.headers).status_code == 404
    for member in (team.investigator, team.colleague, team.manager):
        assert member.get(f"/api/files/{sent.json['file']['uuid']}").status_code == 404
    added = team.manager.post(
        f"{THREADS}{at_paris['uuid']}/participants",
        json={"participants": [str(team.colleague.user.uuid)]},
        headers=team.headers,
    )
    assert added.status_code == 200, added.json
    assert team.get(team.colleague, at_paris["uuid"]).json["unread"] == 2
    # The subject never sees a staff thread.
    subject = {"Chat-Token": team.token()}
    assert api_client.get(f"{PUBLIC}/threads/", headers=subject).json == []
    hidden = api_client.get(f"{PUBLIC}/threads/{at_paris['uuid']}/messages/", headers=subject)
    assert hidden.status_code == 404
    # Closed: no new message until reopened.
    closed: Any = team.manager.post(f"{THREADS}{at_paris['uuid']}/close", headers=team.headers)
    assert closed.json["status"] == "closed"
    assert error(team.say(team.monitor, at_paris, "One more")) == (409, "CHAT_THREAD_CLOSED")
    team.manager.post(f"{THREADS}{at_paris['uuid']}/reopen", headers=team.headers)
    assert team.say(team.monitor, at_paris, "One more").status_code == 201
    assert uuids(team.get(team.investigator, status="closed")) == []
