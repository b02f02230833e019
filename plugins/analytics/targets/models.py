"""Enrollment targets: how many subjects the study, or one of its centers, means to
include, and by when."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyCenter, StudyScopedMixin, TenantModel


class EnrollmentTarget(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One target per scope: the study's own (no center), or one center's."""

    __tablename__ = "analytics_enrollment_targets"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "center_id", postgresql_nulls_not_distinct=True),
    )
    study_center = "center_id"

    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter | None] = relationship(lazy="joined")
    subjects: Mapped[int]
    target_date: Mapped[dt.date | None]

    @property
    def center_uuid(self) -> uuid.UUID | None:
        return self.center.uuid if self.center else None

    @property
    def center_code(self) -> str | None:
        return self.center.code if self.center else None

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool]:
        """The study's own target, and those of these centers."""
        return sa.or_(cls.center_id.is_(None), cls.center_id.in_(center_ids))
