"""Reminders of an appointment: one per recipient and offset, due at a set time, sent by
the cron tick once, and never once the appointment is cancelled or moved."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import TenantModel, User
from plugins.calendar_app.appointments.models import Appointment


class ReminderState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    #: Its appointment was cancelled, moved (its new reminders replace it) or had begun.
    DROPPED = "dropped"


class Reminder(TenantModel):
    """Bookkeeping, not audited: the message it sends is the core's notification record."""

    __tablename__ = "calendar_reminders"
    __table_args__ = (
        sa.Index(
            "calendar_reminders_due",
            "due_at",
            postgresql_where=sa.text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Appointment.id, ondelete="CASCADE"), index=True
    )
    appointment: Mapped[Appointment] = relationship()
    #: None: the appointment's subject.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    offset: Mapped[str] = mapped_column(sa.String(10))
    due_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(sa.String(20), default=ReminderState.PENDING)
    sent_at: Mapped[dt.datetime | None]
    notification_uuid: Mapped[uuid.UUID | None]


MODELS: list[type] = [Reminder]
