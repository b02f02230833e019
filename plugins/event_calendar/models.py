"""Events and milestones of the tenant (holidays), of a study (database lock) or of a
study's center (site initiation, monitoring visit)."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, Study, StudyCenter, TenantModel, db


class EventKind(enum.StrEnum):
    SITE_INITIATION = "site_initiation"
    MONITORING_VISIT = "monitoring_visit"
    DATABASE_LOCK = "database_lock"
    HOLIDAY = "holiday"
    MILESTONE = "milestone"
    OTHER = "other"


class CalendarEvent(TenantModel, BaseModel, Audited):
    """Seen by the people concerned: every user of the tenant (no study), the study's
    team (no center), or the team members who see the center."""

    __tablename__ = "event_calendar_events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="event_calendar_event_times"),
        sa.CheckConstraint(
            "center_id IS NULL OR study_id IS NOT NULL", name="event_calendar_center_of_study"
        ),
    )

    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Study.id), index=True)
    study: Mapped[Study | None] = relationship(lazy="joined")
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter | None] = relationship(lazy="joined")
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: A whole day (a holiday, a lock date): its dates in the tenant's zone, the end's
    #: midnight excluded.
    all_day: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]

    def audit_context(self) -> AuditContext:
        study = db.session.get(Study, self.study_id) if self.study_id else None
        center = db.session.get(StudyCenter, self.center_id) if self.center_id else None
        return AuditContext(
            study=str(study.uuid) if study else None,
            center=str(center.uuid) if center else None,
        )


MODELS: list[type] = [CalendarEvent]
