"""Appointments: a subject's visit or a staff meeting at a center, at a time, holding
resources (a room, instruments) and staff, each of which is in one place at a time."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    User,
    db,
)
from plugins.calendar_app.requests.models import AppointmentRequest
from plugins.calendar_app.resources.models import Resource
from plugins.calendar_app.schedule.models import PlannedVisit
from plugins.subjects.api import SubjectInStudy


class AppointmentStatus(enum.StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


#: An appointment still to come: it holds its resources and staff, and is reminded.
ACTIVE_STATUSES = frozenset({AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED})

#: Where each status may go by a status change (cancelling has its own endpoint).
STATUS_CHANGES: dict[str, frozenset[str]] = {
    AppointmentStatus.PLANNED: frozenset(
        {AppointmentStatus.CONFIRMED, AppointmentStatus.DONE, AppointmentStatus.MISSED}
    ),
    AppointmentStatus.CONFIRMED: frozenset({AppointmentStatus.DONE, AppointmentStatus.MISSED}),
}


class Appointment(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "calendar_appointments"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="calendar_appointment_times"),)
    study_center = "center_id"

    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship(lazy="joined")
    #: None: a meeting of staff only.
    subject_in_study_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(SubjectInStudy.id), index=True
    )
    participation: Mapped[SubjectInStudy | None] = relationship(lazy="joined")
    planned_visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(PlannedVisit.id, ondelete="SET NULL")
    )
    planned_visit: Mapped[PlannedVisit | None] = relationship()
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey(AppointmentRequest.id))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(sa.String(20), default=AppointmentStatus.PLANNED)
    #: Why it was last rescheduled or cancelled (also the reason of its audit record).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan", order_by="Booking.id"
    )

    def audit_context(self) -> AuditContext:
        if self.subject_in_study_id is not None:
            return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()
        center = db.session.get(StudyCenter, self.center_id)
        return AuditContext(
            study=self.audit_study_id(), center=str(center.uuid) if center else None
        )


class Booking(TenantModel, BaseModel, Audited):
    """One resource or one staff member held by an appointment, over its time (copied
    here, so a clash is one indexed look-up per resource)."""

    __tablename__ = "calendar_bookings"
    __table_args__ = (
        sa.CheckConstraint(
            "(resource_id IS NULL) <> (user_id IS NULL)", name="calendar_booking_holder"
        ),
        sa.Index("calendar_bookings_resource_time", "resource_id", "starts_at"),
        sa.Index("calendar_bookings_user_time", "user_id", "starts_at"),
    )

    appointment_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Appointment.id, ondelete="CASCADE"), index=True
    )
    appointment: Mapped[Appointment] = relationship(back_populates="bookings")
    resource_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Resource.id))
    resource: Mapped[Resource | None] = relationship(lazy="joined")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    user: Mapped[User | None] = relationship(lazy="joined")
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: False once the appointment is cancelled, done or missed: it no longer holds anything.
    active: Mapped[bool] = mapped_column(default=True)

    def audit_context(self) -> AuditContext:
        return db.session.get_one(Appointment, self.appointment_id).audit_context()


MODELS: list[type] = [Appointment, Booking]
