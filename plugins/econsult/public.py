"""The subject's access to their room from the token of their link, in the
``Consult-Token`` header, without a login. The token opens that room and nothing else;
tokens that open nothing count against the client's address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import g

from datacapt.toolkit import (
    Actor,
    DatacaptException,
    ErrorCode,
    Message,
    Study,
    acting_as,
    client_address,
    db,
    digest,
    enforce_limit,
    utcnow,
)
from plugins.econsult import access
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.models import PresenceEvent, Room
from plugins.econsult.providers import Admission

TOKEN_HEADER = "Consult-Token"


def room_for_token(token: str | None) -> Room:
    """The room the token opens; else 401, counted per client address whatever the tenant
    (the core's limit of subject links, under a name of its own), or 410 once closed."""
    room = (
        db.session.execute(
            sa.select(Room).where(Room.subject_token_hash == digest(token))
        ).scalar_one_or_none()
        if token
        else None
    )
    if room is None:
        enforce_limit(
            "epro-token",
            "econsult",
            client_address(),
            internal=EconsultCodes.ECONSULT_TOO_MANY_ATTEMPTS,
            message=Message("Too many links that open nothing: try again later."),
        )
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            EconsultCodes.ECONSULT_LINK_INVALID,
            Message("This consultation link is not valid."),
        )
    access.refuse_closed(room, utcnow(), ErrorCode.GONE)
    # What the subject does is audited under their study.
    g.study = db.session.get(Study, room.study_id)
    return room


@contextmanager
def _as_subject(room: Room) -> Iterator[None]:
    participation = room.participation
    with acting_as(Actor("subject", str(participation.uuid), participation.study_subject_id)):
        yield


def read(token: str | None) -> Room:
    return room_for_token(token)


def join(token: str | None) -> Admission:
    room = room_for_token(token)
    access.refuse_not_open(room, utcnow(), ErrorCode.GONE)
    with _as_subject(room):
        admission = access.admit(room, access.subject_attendee(room))
        access.record_presence(room, None, PresenceEvent.JOINED, "link")
    return admission


def leave(token: str | None) -> None:
    room = room_for_token(token)
    with _as_subject(room):
        access.record_presence(room, None, PresenceEvent.LEFT, "link")
