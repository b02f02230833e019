"""Telling offline participants once per thread until they read it; attachments checked
by the platform's storage and by the tenant's accepted types, and seen exactly where
their message is."""

from __future__ import annotations

import io
import re
from typing import Any

from plugins.chat.tests.support import PDF, PUBLIC, SUBJECT_EMAIL, THREADS, Team, emails, error, utc


def test_offline_participants_are_told_once_until_they_read(
    team: Team, app, tenant, clock, api_client
):
    thread = team.thread(participants=[str(team.colleague.user.uuid)])
    team.say(team.investigator, thread, "Your next visit is on Monday.")
    team.say(team.investigator, thread, "Please come fasting.")
    told = emails(app, tenant, SUBJECT_EMAIL)
    assert [(template, language) for template, language, _ in told] == [
        ("chat.unread_subject", "fr")
    ]
    assert "Monday" not in told[0][2]  # the email says there are messages, never what they say
    # The link in the email opens the subject's threads.
    token = re.findall(r"/chat/([\w-]+)", told[0][2])[-1]
    subject = {"Chat-Token": token}
    assert api_client.get(f"{PUBLIC}/unread", headers=subject).json["messages"] == 2

    # The subject answers: the colleague (offline) is told, the author (reading now) is not.
    colleague, author = team.colleague.user.email, team.investigator.user.email
    clock.move_to(utc("2030-05-06T08:02:00"))
    url = f"{PUBLIC}/threads/{thread['uuid']}/messages/"
    assert api_client.post(url, json={"text": "OK"}, headers=subject).status_code == 201
    assert [t for t, _, _ in emails(app, tenant, colleague)] == ["chat.unread_staff"]
    assert emails(app, tenant, author) == []
    # Later the author is offline too: told once, as the colleague is not again.
    clock.move_to(utc("2030-05-06T09:00:00"))
    api_client.post(url, json={"text": "Can I drink water?"}, headers=subject)
    api_client.post(url, json={"text": "Hello?"}, headers=subject)
    assert len(emails(app, tenant, colleague)) == 1
    assert len(emails(app, tenant, author)) == 1
    # Once the colleague has read the thread, a new message tells them again.
    team.colleague.post(f"{THREADS}{thread['uuid']}/read", headers=team.headers)
    clock.move_to(utc("2030-05-06T10:00:00"))
    api_client.post(url, json={"text": "Still there?"}, headers=subject)
    assert len(emails(app, tenant, colleague)) == 2
    # The subject, who did not read, was told once in all.
    team.say(team.colleague, thread, "Yes, water is fine.")
    assert len(emails(app, tenant, SUBJECT_EMAIL)) == 1


def _send(client: Any, url: str, headers: dict, name: str, kind: str, content: bytes) -> Any:
    return client.post(
        url,
        data={"file": (io.BytesIO(content), name, kind), "text": "Here it is"},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_attachments_are_refused_by_type_and_seen_where_their_message_is(
    team: Team, api_client, set_chat
):
    thread = team.thread()
    url = f"{THREADS}{thread['uuid']}/messages/file"
    # The platform refuses this type; the chat refuses text files (not among its defaults);
    # a file whose content is not of its declared type is refused too.
    zipped = _send(team.investigator, url, team.headers, "a.zip", "application/zip", b"PK\x03\x04")
    assert error(zipped) == (422, "CHAT_FILE_REFUSED")
    text = _send(team.investigator, url, team.headers, "notes.txt", "text/plain", b"notes")
    assert error(text) == (422, "CHAT_FILE_REFUSED")
    fake = _send(team.investigator, url, team.headers, "x.pdf", "application/pdf", b"MZ\x90\x00")
    assert error(fake) == (422, "FILE_REFUSED")
    no_file = team.investigator.post(url, data={"text": "x"}, headers=team.headers)
    assert error(no_file) == (422, "CHAT_INVALID")
    for form in ({"text": "a\x00b"}, {"text": "x" * 4001}, {"corrects": "y"}):
        bad = team.investigator.post(
            url,
            data={"file": (io.BytesIO(PDF), "a.pdf", "application/pdf"), **form},
            headers=team.headers,
            content_type="multipart/form-data",
        )
        assert bad.status_code in (400, 422), (form, bad.json)
    assert team.get(team.investigator, f"{thread['uuid']}/messages/").json == []  # nothing kept
    # A tenant that accepts text files, and not the platform's refused types.
    set_chat(attachment_types="text/plain, application/pdf")
    accepted = _send(team.investigator, url, team.headers, "notes.txt", "text/plain", b"notes")
    assert accepted.status_code == 201, accepted.json
    sent = _send(team.investigator, url, team.headers, "leaflet.pdf", "application/pdf", PDF)
    assert sent.status_code == 201, sent.json
    attached = sent.json["file"]
    assert (attached["name"], attached["content_type"], attached["size"]) == (
        "leaflet.pdf",
        "application/pdf",
        len(PDF),
    )
    # Staff download it from the thread and from the file storage; not at another center.
    message = f"{THREADS}{thread['uuid']}/messages/{sent.json['uuid']}/file"
    assert team.colleague.get(message, headers=team.headers).data == PDF
    stored = f"/api/files/{attached['uuid']}"
    assert team.colleague.get(stored).data == PDF
    assert team.lyon.get(stored).status_code == 404
    assert team.monitor.get(stored).status_code == 404  # no subject threads for monitors
    assert team.lyon.get(message, headers=team.headers).status_code == 404
    # The subject downloads it from their thread, and sends one.
    subject = {"Chat-Token": team.token()}
    public = f"{PUBLIC}/threads/{thread['uuid']}/messages/"
    assert api_client.get(f"{public}{sent.json['uuid']}/file", headers=subject).data == PDF
    theirs = _send(api_client, f"{public}file", subject, "scan.pdf", "application/pdf", PDF)
    assert theirs.status_code == 201, theirs.json
    assert theirs.json["file"]["name"] == "scan.pdf" and theirs.json["mine"] is True
    refused = _send(api_client, f"{public}file", subject, "a.zip", "application/zip", b"PK")
    assert error(refused) == (422, "CHAT_FILE_REFUSED")
