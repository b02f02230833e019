"""Every message the platform sends (an email or an SMS to a user, a subject or an invitee)
with its delivery state."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.audit.recorder import AuditContext
from datacapt.database import BaseModel, TenantModel, db
from datacapt.studies.models import Study, StudyCenter


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class NotificationState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its delivery (or its next attempt, or the end of quiet hours)
    SENT = "sent"  # the mail server or SMS provider took it
    FAILED = "failed"  # given up, with the reason
    BOUNCED = "bounced"  # taken, then reported undeliverable, with the reason


FAILED_STATES = (NotificationState.FAILED, NotificationState.BOUNCED)


class RecipientKind(enum.StrEnum):
    USER = "user"  # a user of the tenant (by users.uuid)
    SUBJECT = "subject"  # a subject, by the id the subjects plugin's API names them with
    INVITEE = "invitee"  # a person invited to the tenant (by invitations.uuid)


class Notification(TenantModel, BaseModel):
    """One message with its state. ``subject`` and ``body`` are the text as recorded; a
    template with secret parameters (a link's token) keeps the other parameters in
    ``context`` and renders again at delivery with the secrets, which are never stored.

    Not audited row by row (the record is its own log); reading its text and recording a
    bounce are audited events.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # What the sweep looks for: few rows are queued at any time.
        sa.Index(
            "ix_notifications_queued",
            "not_before",
            postgresql_where=sa.text("state = 'queued'"),
        ),
    )

    recipient_kind: Mapped[str] = mapped_column(sa.String(20))
    # None: recorded before recipients were (messages migrated from earlier versions).
    recipient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Study.id), index=True)
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id))
    channel: Mapped[str] = mapped_column(sa.String(10))
    template: Mapped[str] = mapped_column(sa.String(100))
    language: Mapped[str] = mapped_column(sa.String(8))
    address: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text)
    context: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    quiet_start: Mapped[dt.time | None]
    quiet_end: Mapped[dt.time | None]
    state: Mapped[str] = mapped_column(sa.String(20), default=NotificationState.QUEUED)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # Not to be sent before (the end of quiet hours, the next attempt); None: at once.
    not_before: Mapped[dt.datetime | None]
    # When its last delivery job was enqueued: one enqueued long ago and still queued is stuck.
    dispatched_at: Mapped[dt.datetime | None]
    last_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]
    bounced_at: Mapped[dt.datetime | None]
    provider_id: Mapped[str | None] = mapped_column(sa.String(200), index=True)

    def audit_context(self) -> AuditContext:
        """Its study and center, and the subject it went to (events about it: reads of its
        text, bounces)."""
        study = db.session.get(Study, self.study_id) if self.study_id else None
        center = db.session.get(StudyCenter, self.center_id) if self.center_id else None
        return AuditContext(
            study=str(study.uuid) if study else None,
            center=str(center.uuid) if center else None,
            subject=str(self.recipient_id)
            if self.recipient_kind == RecipientKind.SUBJECT and self.recipient_id
            else None,
        )
