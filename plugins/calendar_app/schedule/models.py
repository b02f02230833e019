"""A study's visit schedule (each visit an eCRF section with its target day and window)
and each included subject's planned visits, with the date a visit was done."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, StudyScopedMixin, TenantModel, db
from plugins.subjects.api import SubjectInStudy


class VisitWindow(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A visit of the schedule: ``day`` days after inclusion (day 0) or after the visit
    ``relative_to`` (its actual date once done, else its planned date), done within
    ``days_before`` before to ``days_after`` after that target."""

    __tablename__ = "calendar_visit_windows"
    __table_args__ = (sa.UniqueConstraint("study_id", "section_uuid"),)
    study_center = None

    # The eCRF section, by its public id: the ecrf plugin is not required by this one.
    section_uuid: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int]
    day: Mapped[int]
    relative_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("calendar_visit_windows.id", ondelete="SET NULL")
    )
    relative_to: Mapped[VisitWindow | None] = relationship(remote_side="VisitWindow.id")
    days_before: Mapped[int] = mapped_column(default=0)
    days_after: Mapped[int] = mapped_column(default=0)


class PlannedVisit(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A subject's visit: its target and window, moved with their inclusion date until the
    visit is done; then its actual date, and whether that fell outside the window."""

    __tablename__ = "calendar_planned_visits"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "window_id"),)
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    window_id: Mapped[int] = mapped_column(
        sa.ForeignKey(VisitWindow.id, ondelete="CASCADE"), index=True
    )
    window: Mapped[VisitWindow] = relationship()
    target_on: Mapped[dt.date]
    earliest_on: Mapped[dt.date]
    latest_on: Mapped[dt.date]
    actual_on: Mapped[dt.date | None]
    out_of_window: Mapped[bool] = mapped_column(default=False)
    #: The protocol-deviation query raised for it (monitoring), by its public id.
    deviation_query_uuid: Mapped[uuid.UUID | None]

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [VisitWindow, PlannedVisit]
