"""Who gets into a room, and when: a participant or the subject, a short-lived token only
while the room is open (from ``opens_at`` until ``expires_at``); each token handed out,
each join and each leave audited."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    User,
    conflict,
    db,
    record_event,
    utcnow,
)
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.jitsi import unavailable
from plugins.econsult.models import PresenceEvent, Room, RoomPresence, RoomStatus
from plugins.econsult.providers import Admission, Attendee, provider
from plugins.econsult.settings import econsult_settings

SUBJECT = "subject"  # the attendee id of the subject, in tokens and presence


def is_closed(room: Room, now: dt.datetime) -> bool:
    return room.status != RoomStatus.SCHEDULED or room.expires_at <= now


def refuse_closed(room: Room, now: dt.datetime, status: ErrorCode = ErrorCode.CONFLICT) -> None:
    if is_closed(room, now):
        raise DatacaptException(
            status,
            EconsultCodes.ECONSULT_ROOM_CLOSED,
            Message("This room is closed: it expired or was cancelled."),
            details={"status": room.status},
        )


def refuse_not_open(room: Room, now: dt.datetime, status: ErrorCode = ErrorCode.CONFLICT) -> None:
    refuse_closed(room, now, status)
    if room.opens_at > now:
        raise conflict(
            EconsultCodes.ECONSULT_ROOM_NOT_OPEN,
            Message("This room is not open yet."),
            opens_at=room.opens_at.isoformat(),
        )


def admit(room: Room, attendee: Attendee) -> Admission:
    """A token for ``attendee`` while the room is open, until the token's lifetime or the
    room's expiry, whichever comes first."""
    now = utcnow()
    settings = econsult_settings()
    video = provider(room.provider, settings)
    if video is None:
        raise unavailable(Message("The room's video service is not available."))
    expires_at = min(room.expires_at, now + dt.timedelta(minutes=settings["token_minutes"]))
    admission = video.admit(room.provider_room, attendee, now, expires_at)
    record_event("token_issued", room, {"attendee": [None, attendee.id]})
    return admission


def staff_attendee(user: User, room: Room) -> Attendee:
    return Attendee(str(user.uuid), user.display_name, moderator=True)


def subject_attendee(room: Room) -> Attendee:
    return Attendee(SUBJECT, room.participation.study_subject_id, moderator=False)


def record_presence(room: Room, user: User | None, event: PresenceEvent, via: str) -> RoomPresence:
    presence = RoomPresence(
        room_id=room.id, user_id=user.id if user else None, event=event, via=via, at=utcnow()
    )
    db.session.add(presence)
    db.session.flush()
    return presence


def presence_of(room: Room) -> sa.Select:
    """Who joined and left, in order."""
    return (
        sa.select(RoomPresence)
        .where(RoomPresence.room_id == room.id)
        .order_by(RoomPresence.at, RoomPresence.id)
    )


def still_inside(room: Room) -> list[int | None]:
    """The user ids (None: the subject) whose last word in the room was that they joined."""
    last: dict[int | None, str] = {}
    for presence in db.session.execute(presence_of(room)).scalars():
        last[presence.user_id] = presence.event
    return [who for who, event in last.items() if event == PresenceEvent.JOINED]
