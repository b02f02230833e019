"""A visit confirmed as done by a person, where the study pays for visits only once
confirmed (study setting ``visit_done``: ``confirmed``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    ReasonPolicy,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.ecrf.api import Section
from plugins.subjects.api import SubjectInStudy


class VisitConfirmation(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Lost (deleted, audited) when the section is no longer complete or the confirmer
    takes it back with a reason."""

    __tablename__ = "payment_visit_confirmations"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "section_id"),)
    study_center = "participation.center_id"
    audit_reason = ReasonPolicy.AFTER_CREATION

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    section_id: Mapped[int] = mapped_column(sa.ForeignKey(Section.id, ondelete="CASCADE"))
    confirmed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime]

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [VisitConfirmation]
