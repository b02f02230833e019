"""Questionnaires of a study with their schedule; each subject's occurrences of them, their
answers, and every message sent about them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    Notification,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.subjects.api import SubjectInStudy


class Questionnaire(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A form of the study for subjects, with when it is sent and how it is reminded.

    ``schedule``: {"days": [0, 7, 14]} or {"every_days": 7, "until_day": 84, "start_day": 0},
    with "send_time", "window_hours" (on time) and "available_hours" (open). ``reminders``:
    {"every_hours", "max", "quiet_start", "quiet_end"}. Times are in the tenant's zone. An
    inactive questionnaire is kept with its data but plans and sends nothing.
    """

    __tablename__ = "epro_questionnaires"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[dict[str, str]] = mapped_column(JSONB)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    channels: Mapped[list[str]] = mapped_column(JSONB)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reminders: Mapped[dict[str, Any]] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(default=True)
    # When it was last made active: days that closed before are not planned.
    activated_at: Mapped[dt.datetime | None]
    # Every save bumps it: the ETag a save must name in If-Match.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")


class OccurrenceStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    STARTED = "started"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


OPEN_STATUSES = (OccurrenceStatus.SCHEDULED, OccurrenceStatus.SENT, OccurrenceStatus.STARTED)


class Occurrence(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """One planned filling of a questionnaire by a subject: it opens at ``opens_at``, is on
    time until ``due_at`` and closes at ``closes_at``. ``next_send_at`` is when the next
    invitation or reminder goes (outside quiet hours), none when nothing more is sent."""

    __tablename__ = "epro_occurrences"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "subject_in_study_id", "day"),)
    study_center = "participation.center_id"

    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey(Questionnaire.id), index=True)
    questionnaire: Mapped[Questionnaire] = relationship()
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    day: Mapped[int]  # after inclusion: what tells occurrences of a questionnaire apart
    status: Mapped[str] = mapped_column(sa.String(20), default=OccurrenceStatus.SCHEDULED)
    opens_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    next_send_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Scheduled by another module (schedule_occurrence), outside the questionnaire's
    # schedule: re-planning keeps it (an ended participation still cancels it).
    extra: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # SHA-256 of the subject's link token; the token itself is derived, never stored.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    messages: Mapped[list[EproMessage]] = relationship(
        back_populates="occurrence", order_by="EproMessage.id"
    )

    audit_exclude = frozenset({"token_hash"})  # recorded as [redacted]

    def audit_context(self) -> AuditContext:
        """Its subject's, also when the tick (a job, outside any request) changes it."""
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()

    status_subject = Message("The questionnaire occurrence")
    allowed_status_transitions = {
        OccurrenceStatus.SCHEDULED: {
            OccurrenceStatus.SENT,
            OccurrenceStatus.EXPIRED,
            OccurrenceStatus.CANCELLED,
        },
        OccurrenceStatus.SENT: {
            OccurrenceStatus.STARTED,
            OccurrenceStatus.COMPLETED,
            OccurrenceStatus.EXPIRED,
            OccurrenceStatus.CANCELLED,
        },
        OccurrenceStatus.STARTED: {
            OccurrenceStatus.COMPLETED,
            OccurrenceStatus.EXPIRED,
            OccurrenceStatus.CANCELLED,
        },
        # Planning may bring back one it cancelled before it was ever sent.
        OccurrenceStatus.CANCELLED: {OccurrenceStatus.SCHEDULED},
    }


class EproAnswer(TenantModel, BaseModel, Audited):
    """A subject's current answer to one question of an occurrence (its history is the
    audit trail: the subject's entries, then any staff correction with its reason)."""

    __tablename__ = "epro_answers"
    __table_args__ = (sa.UniqueConstraint("occurrence_id", "code"),)

    occurrence_id: Mapped[int] = mapped_column(sa.ForeignKey(Occurrence.id), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Any] = mapped_column(JSONB, nullable=True)

    def audit_context(self) -> AuditContext:
        """The subject's, with the occurrence as its section and the question."""
        occurrence = db.session.get_one(Occurrence, self.occurrence_id)
        return dataclasses.replace(
            occurrence.audit_context(), section=str(occurrence.uuid), question=self.code
        )


class MessageKind(enum.StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"


class EproMessage(TenantModel, BaseModel):
    """One email or SMS about an occurrence: what kind it is, and the notification that
    carries it with its delivery state (datacapt.notifications)."""

    __tablename__ = "epro_messages"

    occurrence_id: Mapped[int] = mapped_column(sa.ForeignKey(Occurrence.id), index=True)
    occurrence: Mapped[Occurrence] = relationship(back_populates="messages")
    kind: Mapped[str] = mapped_column(sa.String(20))
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey(Notification.id), unique=True)
    notification: Mapped[Notification] = relationship(lazy="joined")
