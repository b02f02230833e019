"""The console provider, for development and tests: it logs what a video service would
do, and its tokens are opaque random strings that open nothing."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from plugins.econsult.providers import Admission, Attendee

log = logging.getLogger(__name__)


class ConsoleProvider:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = settings

    def admit(
        self, room_name: str, attendee: Attendee, now: dt.datetime, expires_at: dt.datetime
    ) -> Admission:
        log.info("econsult console: %s (%s) joins room %s", attendee.name, attendee.id, room_name)
        token = secrets.token_urlsafe(24)
        return Admission(token, f"console://{room_name}?token={token}", expires_at)

    def clean_up(self, room_name: str) -> None:
        log.info("econsult console: room %s cleaned up", room_name)
