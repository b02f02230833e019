"""Getting into a room: tokens only while it is open, signed with the right claims and
short-lived; the subject's link opens their room and nothing else; who joined and left is
recorded; the cron entry closes expired rooms and cleans them up at the provider."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from plugins.econsult.tests.support import (
    JITSI_URL,
    PUBLIC,
    ROOMS,
    SECRET,
    START,
    error,
    subject_token,
    utc,
)

OPEN = "2030-03-04T09:55:00"  # the room opened at 09:50


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")


@pytest.mark.requirement("P11-11.10d")
def test_participants_get_short_lived_signed_tokens_only_while_the_room_is_open(jitsi, clock):
    room = jitsi.room()
    early = jitsi.post(jitsi.investigator, room, "join")
    assert error(early) == (409, "ECONSULT_ROOM_NOT_OPEN")
    assert early.json["error"]["details"]["opens_at"] == "2030-03-04T09:50:00+00:00"
    clock.move_to(utc(OPEN))
    joined = jitsi.post(jitsi.investigator, room, "join")
    assert joined.status_code == 200, joined.json
    token = joined.json["token"]
    assert joined.json["url"].startswith(f"{JITSI_URL}/dc-") and joined.json["url"].endswith(token)
    decoded = claims(token)
    assert decoded["iss"] == "datacapt" and decoded["sub"] == "meet.example.org"
    assert decoded["room"] == joined.json["url"].split("/")[-1].split("?")[0]
    assert decoded["context"]["user"]["id"] == str(jitsi.investigator.user.uuid)
    assert decoded["context"]["user"]["moderator"] is True
    assert decoded["context"]["features"]["recording"] is False  # off by default
    assert decoded["exp"] - decoded["iat"] == 5 * 60  # token_minutes
    assert SECRET not in str(joined.json)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token,
            "another secret, as long as the right one",
            algorithms=["HS256"],
            audience="jitsi",
        )
    # A token never outlives its room.
    clock.move_to(utc("2030-03-04T10:28:00"))
    late = claims(jitsi.post(jitsi.investigator, room, "join").json["token"])
    assert late["exp"] == int(utc("2030-03-04T10:30:00").timestamp())
    clock.move_to(utc("2030-03-04T10:31:00"))
    with pytest.raises(jwt.ExpiredSignatureError):
        claims(token)
    assert error(jitsi.post(jitsi.investigator, room, "join")) == (409, "ECONSULT_ROOM_CLOSED")


def test_without_a_secret_or_server_no_token_is_given(trial, clock, app, monkeypatch):
    room = trial.room()
    clock.move_to(utc(OPEN))
    refused = trial.post(trial.investigator, room, "join")  # no jitsi_url set
    assert error(refused) == (409, "ECONSULT_PROVIDER_UNAVAILABLE")
    presence: Any = trial.manager.get(f"{ROOMS}{room['uuid']}/presence", headers=trial.headers)
    assert presence.json == []  # nothing recorded


def test_the_subject_joins_from_their_link_without_a_login(jitsi, clock, app, tenant, api_client):
    room = jitsi.room()
    headers = {"Consult-Token": subject_token(app, tenant)}
    shown = api_client.get(PUBLIC, headers=headers)
    assert shown.status_code == 200, shown.json
    assert shown.json["starts_at"] == "2030-03-04T10:00:00+00:00" and "uuid" not in shown.json
    assert error(api_client.post(f"{PUBLIC}/join", headers=headers)) == (
        409,
        "ECONSULT_ROOM_NOT_OPEN",
    )
    clock.move_to(utc(OPEN))
    joined = api_client.post(f"{PUBLIC}/join", headers=headers)
    assert joined.status_code == 200, joined.json
    user = claims(joined.json["token"])["context"]["user"]
    assert (user["id"], user["moderator"]) == ("subject", False)
    assert api_client.post(f"{PUBLIC}/leave", headers=headers).status_code == 204
    assert jitsi.post(jitsi.investigator, room, "join").status_code == 200
    assert jitsi.post(jitsi.investigator, room, "leave").status_code == 204
    presence: Any = jitsi.monitor.get(f"{ROOMS}{room['uuid']}/presence", headers=jitsi.headers)
    investigator = str(jitsi.investigator.user.uuid)
    assert [(p["attendee"], p["event"], p["via"]) for p in presence.json] == [
        ("subject", "joined", "link"),
        ("subject", "left", "link"),
        (investigator, "joined", "api"),
        (investigator, "left", "api"),
    ]


def test_a_link_opens_nothing_elsewhere_or_once_the_room_is_cancelled(
    trial, app, tenant, other_tenant, enable_plugins, client_for
):
    trial.room()
    token = subject_token(app, tenant)
    enable_plugins(other_tenant, "econsult")
    elsewhere = client_for(other_tenant).get(PUBLIC, headers={"Consult-Token": token})
    assert error(elsewhere) == (401, "ECONSULT_LINK_INVALID")
    guessed = client_for(tenant).get(PUBLIC, headers={"Consult-Token": "guessed"})
    assert error(guessed) == (401, "ECONSULT_LINK_INVALID")
    (room,) = trial.manager.get(ROOMS, headers=trial.headers).json
    assert trial.post(trial.investigator, room, "cancel", reason="At the site").status_code == 200
    gone = client_for(tenant).post(f"{PUBLIC}/join", headers={"Consult-Token": token})
    assert error(gone) == (410, "ECONSULT_ROOM_CLOSED")


def test_the_cron_entry_closes_expired_rooms_and_cleans_them_up(
    jitsi, tick, clock, app, tenant, api_client
):
    room = jitsi.room()
    headers = {"Consult-Token": subject_token(app, tenant)}
    cancelled = jitsi.room(starts_at="2030-03-04T12:00:00Z")
    jitsi.post(jitsi.investigator, cancelled, "cancel", reason="Not needed")
    tick("2030-03-04T10:05:00")  # the room is open: kept; the cancelled one is cleaned up
    assert jitsi.read(room).json["status"] == "scheduled"
    assert jitsi.read(cancelled).json["cleaned_up_at"] == "2030-03-04T10:05:00+00:00"
    assert jitsi.post(jitsi.investigator, room, "join").status_code == 200
    tick("2030-03-04T10:35:00")
    closed = jitsi.read(room).json
    assert (closed["status"], closed["closed_at"], closed["cleaned_up_at"]) == (
        "closed",
        "2030-03-04T10:35:00+00:00",
        "2030-03-04T10:35:00+00:00",
    )
    presence: Any = jitsi.manager.get(f"{ROOMS}{room['uuid']}/presence", headers=jitsi.headers)
    assert [(p["event"], p["via"]) for p in presence.json] == [
        ("joined", "api"),
        ("left", "expiry"),
    ]
    assert error(jitsi.post(jitsi.investigator, room, "join")) == (409, "ECONSULT_ROOM_CLOSED")
    assert api_client.get(PUBLIC, headers=headers).status_code == 410


def test_the_console_provider_admits_without_a_video_server(trial, clock, set_econsult):
    set_econsult(provider="console")
    room = trial.room()
    assert room["provider"] == "console"
    clock.move_to(utc(START))
    joined = trial.post(trial.investigator, room, "join")
    assert joined.status_code == 200, joined.json
    assert joined.json["url"].startswith("console://dc-")


def test_an_unknown_provider_is_refused_as_a_setting(app, trial, tenant, operator):
    result = app.test_cli_runner().invoke(
        args=[
            *("plugins", "settings", tenant.schema_name, "econsult"),
            *("--set", "provider=skype", "--operator", operator.email),
        ],
        input=f"{operator.password}\n",
    )
    assert result.exit_code != 0
    assert trial.room()["provider"] == "jitsi"
