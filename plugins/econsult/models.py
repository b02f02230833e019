"""Video rooms booked with a subject, the staff taking part, and who joined and left."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
    User,
    db,
)
from plugins.subjects.api import SubjectInStudy


class RoomStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # open from opens_at until expires_at
    CLOSED = "closed"  # expired, closed by the cron entry
    CANCELLED = "cancelled"


class RoomPurpose(enum.StrEnum):
    CONSENT = "consent"  # walking the subject through their consent
    VISIT = "visit"  # a remote visit


class Room(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A consultation booked with a subject of the study at ``starts_at`` for
    ``duration_minutes``: participants get tokens from ``opens_at`` until ``expires_at``.
    ``provider`` is the one that held the room when it was booked (and cleans it up)."""

    __tablename__ = "econsult_rooms"
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    purpose: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=RoomStatus.SCHEDULED)
    provider: Mapped[str] = mapped_column(sa.String(40))
    provider_room: Mapped[str] = mapped_column(sa.String(100), unique=True)
    starts_at: Mapped[dt.datetime]
    duration_minutes: Mapped[int]
    opens_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    booked_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id))
    booked_by: Mapped[User] = relationship()
    # Why it was last rescheduled or cancelled (the audit record carries it too).
    change_reason: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[dt.datetime | None]
    cleaned_up_at: Mapped[dt.datetime | None]
    # SHA-256 of the subject's link token; the token itself is derived, never stored.
    subject_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    participants: Mapped[list[RoomParticipant]] = relationship(
        back_populates="room", order_by="RoomParticipant.id"
    )

    audit_exclude = frozenset({"subject_token_hash"})

    def audit_context(self) -> AuditContext:
        """Its subject's, also when the cron entry (a job) closes it."""
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()

    status_subject = Message("The room")
    allowed_status_transitions = {
        RoomStatus.SCHEDULED: {RoomStatus.CLOSED, RoomStatus.CANCELLED},
    }


def _room_context(room_id: int) -> AuditContext:
    return db.session.get_one(Room, room_id).audit_context()


class RoomParticipant(TenantModel, BaseModel, Audited):
    """A member of the site staff taking part in a room."""

    __tablename__ = "econsult_participants"
    __table_args__ = (sa.UniqueConstraint("room_id", "user_id"),)

    room_id: Mapped[int] = mapped_column(sa.ForeignKey(Room.id), index=True)
    room: Mapped[Room] = relationship(back_populates="participants")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User] = relationship(lazy="joined")

    def audit_context(self) -> AuditContext:
        return _room_context(self.room_id)


class PresenceEvent(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"


class RoomPresence(TenantModel, BaseModel, Audited):
    """Someone joined or left a room: a participant (``user_id``) or the subject (none).
    ``via`` says who reported it: the staff API, the subject's link, or the expiry."""

    __tablename__ = "econsult_presence"

    room_id: Mapped[int] = mapped_column(sa.ForeignKey(Room.id), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    user: Mapped[User | None] = relationship(lazy="joined")
    event: Mapped[str] = mapped_column(sa.String(10))
    via: Mapped[str] = mapped_column(sa.String(10))
    at: Mapped[dt.datetime]

    def audit_context(self) -> AuditContext:
        return _room_context(self.room_id)


MODELS: list[type] = [Room, RoomParticipant, RoomPresence]
