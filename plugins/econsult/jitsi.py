"""The Jitsi provider (the default): a self-hosted Jitsi Meet with token authentication
(prosody's ``token`` module). Each admission is a JWT signed with the app secret (HS256):
``iss`` the app id, ``aud`` ``jitsi``, ``sub`` the server's domain, ``room`` the room's
name, ``context.user`` who joins, short-lived ``exp``; recording is off unless the tenant
turns it on. The secret comes from the tenant's ``jitsi_secret`` setting or the
``DATACAPT_ECONSULT_JITSI_SECRET`` configuration, and never leaves the server."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import current_app

from datacapt.toolkit import DatacaptException, ErrorCode, Message
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.providers import Admission, Attendee

SECRET_SETTING = "DATACAPT_ECONSULT_JITSI_SECRET"
AUDIENCE = "jitsi"


def unavailable(reason: Message) -> DatacaptException:
    return DatacaptException(
        ErrorCode.CONFLICT, EconsultCodes.ECONSULT_PROVIDER_UNAVAILABLE, reason
    )


def jitsi_secret(settings: Mapping[str, Any]) -> str | None:
    """The tenant's own secret, else the configuration's (app config, then environment)."""
    return (
        settings.get("jitsi_secret")
        or current_app.config.get(SECRET_SETTING)
        or os.environ.get(SECRET_SETTING)
    )


class JitsiProvider:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.url = (settings.get("jitsi_url") or "").rstrip("/")
        self.app_id = settings.get("jitsi_app_id") or "datacapt"
        self.recording = bool(settings.get("recording"))
        self.secret = jitsi_secret(settings)

    def claims(
        self, room_name: str, attendee: Attendee, now: dt.datetime, expires_at: dt.datetime
    ) -> dict[str, Any]:
        return {
            "iss": self.app_id,
            "aud": AUDIENCE,
            "sub": urlsplit(self.url).hostname,
            "room": room_name,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "context": {
                "user": {"id": attendee.id, "name": attendee.name, "moderator": attendee.moderator},
                "features": {"recording": self.recording, "livestreaming": False},
            },
        }

    def admit(
        self, room_name: str, attendee: Attendee, now: dt.datetime, expires_at: dt.datetime
    ) -> Admission:
        if not self.url:
            raise unavailable(Message("The video service has no server address (jitsi_url)."))
        if not self.secret:
            raise unavailable(Message("The video service has no secret to sign tokens with."))
        token = jwt.encode(
            self.claims(room_name, attendee, now, expires_at), self.secret, algorithm="HS256"
        )
        return Admission(token, f"{self.url}/{room_name}?jwt={token}", expires_at)

    def clean_up(self, room_name: str) -> None:
        """Nothing to call: a Jitsi room ends with its last attendee, and the tokens that
        admitted them expire with the room."""
