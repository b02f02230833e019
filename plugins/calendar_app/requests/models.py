"""Requests for staff to schedule an appointment for a subject (an automation's, a
person's): open until an appointment is booked for one or someone dismisses it."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, StudyScopedMixin, TenantModel, db
from plugins.subjects.api import SubjectInStudy


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    DISMISSED = "dismissed"


class AppointmentRequest(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "calendar_appointment_requests"
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    reason: Mapped[str] = mapped_column(sa.Text)
    #: Who asked, in words: a rule ("automation ABC v2"), a person's name.
    requested_by: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default=RequestStatus.OPEN)
    closed_at: Mapped[dt.datetime | None]
    dismiss_reason: Mapped[str | None] = mapped_column(sa.Text)

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [AppointmentRequest]
