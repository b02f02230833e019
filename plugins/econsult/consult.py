"""Staff taking part: a participant joins an open room (a token and its address) and
leaves it; both are recorded."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Message, acting_user, db, forbidden, utcnow
from plugins.econsult import access
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.models import PresenceEvent, Room, RoomParticipant
from plugins.econsult.providers import Admission


def _participant(room: Room) -> RoomParticipant:
    user = acting_user()
    participant = db.session.execute(
        sa.select(RoomParticipant).where(
            RoomParticipant.room_id == room.id, RoomParticipant.user_id == user.id
        )
    ).scalar_one_or_none()
    if participant is None:
        raise forbidden(
            EconsultCodes.ECONSULT_NOT_PARTICIPANT,
            Message("Only the room's participants join it."),
        )
    return participant


def join(room: Room) -> Admission:
    participant = _participant(room)
    access.refuse_not_open(room, utcnow())
    admission = access.admit(room, access.staff_attendee(participant.user, room))
    access.record_presence(room, participant.user, PresenceEvent.JOINED, "api")
    return admission


def leave(room: Room) -> None:
    participant = _participant(room)
    access.record_presence(room, participant.user, PresenceEvent.LEFT, "api")
