"""Booking rooms with a subject, rescheduling and cancelling them (with a reason), and the
subject told each time in their language."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    Message,
    Recipient,
    RecipientKind,
    Study,
    User,
    acting_user,
    db,
    digest,
    forbidden,
    get_in_study,
    get_tenant_settings,
    invalid,
    notify,
    reason_for_change,
    study_members,
    study_permissions,
    study_query,
    utcnow,
)
from plugins.econsult import messages, permissions
from plugins.econsult.access import refuse_closed
from plugins.econsult.errors import EconsultCodes
from plugins.econsult.models import Room, RoomParticipant, RoomStatus
from plugins.econsult.settings import econsult_settings
from plugins.subjects.api import (
    SubjectInStudy,
    SubjectPersonalData,
    get_subject,
    refuse_if_ended,
)


def list_rooms(study: Study, status: str | None = None, subject: Any = None) -> sa.Select:
    """The study's rooms at the centers the caller sees, the latest first."""
    statement = study_query(Room, study).order_by(Room.starts_at.desc(), Room.id.desc())
    if status:
        statement = statement.where(Room.status == status)
    if subject is not None:
        statement = statement.where(Room.participation.has(uuid=subject))
    return statement


def get_room(study: Study, room_uuid: Any, for_update: bool = False) -> Room:
    room = get_in_study(Room, room_uuid, Message("No such room."), study=study)
    if for_update:
        db.session.refresh(room, with_for_update=True)
    return room


#: How far ahead a room is booked: later is a typing slip (and near the calendar's end,
#: its expiry would not be a date).
BOOKING_HORIZON = dt.timedelta(days=2 * 366)


def _check_start(starts_at: dt.datetime) -> None:
    now = utcnow()
    if not now < starts_at <= now + BOOKING_HORIZON:
        raise invalid(
            EconsultCodes.ECONSULT_TIME_INVALID,
            Message("A room is booked for a time to come, within two years."),
            field="starts_at",
        )


def _schedule(room: Room, starts_at: dt.datetime, duration_minutes: int) -> None:
    before = dt.timedelta(minutes=econsult_settings()["opens_minutes_before"])
    room.starts_at, room.duration_minutes = starts_at, duration_minutes
    room.opens_at = starts_at - before
    room.expires_at = starts_at + dt.timedelta(minutes=duration_minutes)


def _staff(study: Study, room: Room, booker: User, user_uuids: Iterable[Any]) -> list[User]:
    """The booker and the named users, each of the study's team seeing the subject's center."""
    members = {user.uuid: user for user in study_members(study, center=room.participation.center)}
    wanted = dict.fromkeys([booker.uuid, *user_uuids])
    unknown = [str(user_uuid) for user_uuid in wanted if user_uuid not in members]
    if unknown:
        raise invalid(
            EconsultCodes.ECONSULT_PARTICIPANT_INVALID,
            Message("Participants are members of the study's team who see the subject's center."),
            field="participants",
            users=unknown,
        )
    return [members[user_uuid] for user_uuid in wanted]


def new_room(
    study: Study,
    participation: SubjectInStudy,
    data: Mapping[str, Any],
    booker: User,
    provider: str,
) -> Room:
    """A room booked by ``booker`` on ``provider``, with its participants."""
    room_uuid = uuid.uuid4()
    room = Room(
        uuid=room_uuid,
        study_id=study.id,
        participation=participation,
        subject_in_study_id=participation.id,
        purpose=data["purpose"],
        status=RoomStatus.SCHEDULED,
        provider=provider,
        provider_room=f"dc-{secrets.token_hex(12)}",
        booked_by_id=booker.id,
        subject_token_hash=digest(messages.link_token(room_uuid)),
    )
    _schedule(room, data["starts_at"], data["duration_minutes"])
    db.session.add(room)
    db.session.flush()
    for user in _staff(study, room, booker, data.get("participants", [])):
        db.session.add(RoomParticipant(room=room, room_id=room.id, user_id=user.id))
    db.session.flush()
    return room


def book(study: Study, data: Mapping[str, Any]) -> Room:
    """The caller books a room on the tenant's provider; the subject is sent their link."""
    participation = get_subject(study, data["subject"])
    refuse_if_ended(participation)
    _check_start(data["starts_at"])
    room = new_room(study, participation, data, acting_user(), econsult_settings()["provider"])
    _tell_subject(room, messages.INVITATION)
    return room


def _may_change(room: Room) -> None:
    """Whoever manages the study's rooms, or the one who booked this one."""
    if permissions.MANAGE in study_permissions() or room.booked_by_id == acting_user().id:
        return
    raise forbidden(
        EconsultCodes.ECONSULT_NOT_BOOKER,
        Message("Only whoever booked this room, or manages rooms, may change it."),
    )


def reschedule(room: Room, data: Mapping[str, Any]) -> Room:
    _may_change(room)
    refuse_closed(room, utcnow())
    _check_start(data["starts_at"])
    with reason_for_change(data["reason"]):
        _schedule(room, data["starts_at"], data.get("duration_minutes") or room.duration_minutes)
        room.change_reason = data["reason"]
        db.session.flush()
    _tell_subject(room, messages.RESCHEDULED)
    return room


def cancel(room: Room, reason: str) -> Room:
    """The room closes at once; the cron entry cleans it up at the provider."""
    _may_change(room)
    refuse_closed(room, utcnow())
    with reason_for_change(reason):
        room.transition_to(RoomStatus.CANCELLED)
        room.change_reason, room.closed_at = reason, utcnow()
        db.session.flush()
    _tell_subject(room, messages.CANCELLED)
    return room


def _tell_subject(room: Room, template: str) -> None:
    """An email to the subject in their language (none: recorded as failed, saying so)."""
    participation = room.participation
    contact = db.session.execute(
        sa.select(SubjectPersonalData).where(
            SubjectPersonalData.subject_id == participation.subject_id
        )
    ).scalar_one_or_none()
    settings = get_tenant_settings()
    language = (contact.language if contact else None) or settings.default_language
    starts = room.starts_at.astimezone(ZoneInfo(settings.time_zone))
    notify(
        template,
        Channel.EMAIL,
        Recipient(
            RecipientKind.SUBJECT,
            participation.uuid,
            contact.email if contact else None,
            language,
        ),
        {
            "starts": f"{starts:%Y-%m-%d %H:%M}",
            "duration": room.duration_minutes,
            "room": str(room.uuid),
        },
        study_id=room.study_id,
        center_id=participation.center_id,
    )
