"""Tasks the rules give to a role at a center: listed for the users holding that role
there, closed by one of them with a note."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyCenter, StudyScopedMixin, TenantModel
from plugins.automations.runs.models import AutomationRun
from plugins.subjects.api import SubjectInStudy


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AutomationTask(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "automation_tasks"
    study_center = "center_id"

    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    role: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(500))
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey(AutomationRun.id), index=True)
    due_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default=TaskStatus.OPEN)
    note: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    center: Mapped[StudyCenter] = relationship(lazy="joined")
    participation: Mapped[SubjectInStudy] = relationship(lazy="joined")

    @property
    def center_uuid(self) -> uuid.UUID:
        return self.center.uuid

    @property
    def subject_uuid(self) -> uuid.UUID:
        return self.participation.uuid
