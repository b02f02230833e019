"""Models of review."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, ReasonPolicy, TenantModel, db
from plugins.ecrf.api import PLAIN, Section
from plugins.subjects.api import SubjectInStudy


class SectionReview(TenantModel, BaseModel, Audited):
    """A subject's section (one zone of it, in a section filled once per zone) reviewed by
    data management: the row exists while it is reviewed (any change of its answers loses
    it). The reviewer is kept as they were named then."""

    __tablename__ = "monitoring_section_reviews"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "section_id", "instance"),)
    # Taking a review back (by hand, or because the data changed) says why.
    audit_reason = ReasonPolicy.AFTER_CREATION

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id))
    participation: Mapped[SubjectInStudy] = relationship()
    # A section removed from the design takes its reviews along, as its counters.
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Section.id, ondelete="CASCADE"), index=True
    )
    section: Mapped[Section] = relationship()
    # The zone reviewed: PLAIN for a section filled once per subject.
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    reviewed_by: Mapped[uuid.UUID]
    reviewed_by_name: Mapped[str] = mapped_column(sa.String(254))
    reviewed_at: Mapped[dt.datetime]

    def audit_context(self) -> AuditContext:
        """Subject (its study and center) and section."""
        participation = db.session.get_one(SubjectInStudy, self.subject_in_study_id)
        section = db.session.get(Section, self.section_id)
        return dataclasses.replace(
            participation.audit_context(), section=str(section.uuid) if section else None
        )


MODELS: list[type] = [SectionReview]
