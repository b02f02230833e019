"""Models of verification: an item verified against source (a subject's answer to one
question), and the study's verification plans."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    ReasonPolicy,
    Study,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    db,
    flush_cached,
)
from plugins.ecrf.api import PLAIN, compiled_form
from plugins.subjects.api import SubjectInStudy


def _subject_context(subject_in_study_id: int) -> tuple[AuditContext, dict[str, Any]]:
    """A subject's context, and the section uuid of each question code of their study's
    current design."""
    participation = db.session.get_one(SubjectInStudy, subject_in_study_id)
    sections = flush_cached(
        ("monitoring_sections", participation.study_id),
        lambda: compiled_form(db.session.get_one(Study, participation.study_id)).section_of,
    )
    return participation.audit_context(), sections


def item_context(subject_in_study_id: int, code: str) -> AuditContext:
    """Subject (its study and center), section and question of a verified item."""
    # Once per subject in a flush: a bulk verification writes many items of each.
    subject, sections = flush_cached(
        ("monitoring_subject", subject_in_study_id),
        lambda: _subject_context(subject_in_study_id),
    )
    section = sections.get(code)
    return dataclasses.replace(
        subject, section=str(section) if section is not None else None, question=code
    )


class Verification(TenantModel, BaseModel, Audited):
    """A subject's answer to a question (of one zone, in a section filled once per zone),
    verified against source: the row exists while it is verified (a changed answer loses
    it). Who verified it is kept as they were named then, as on a signature."""

    __tablename__ = "monitoring_verifications"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "code", "instance"),)
    # Taking a verification back (by hand, or because the answer changed) says why.
    audit_reason = ReasonPolicy.AFTER_CREATION

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id))
    participation: Mapped[SubjectInStudy] = relationship()
    code: Mapped[str] = mapped_column(sa.String(40))
    # The answer's instance (a zone): PLAIN for a section filled once per subject.
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    verified_by: Mapped[uuid.UUID]
    verified_by_name: Mapped[str] = mapped_column(sa.String(254))
    verified_at: Mapped[dt.datetime]

    def audit_context(self) -> AuditContext:
        return item_context(self.subject_in_study_id, self.code)


class PlanKind(enum.StrEnum):
    """What a plan requires verifying."""

    ALL_ITEMS = "all_items"  # every item of every subject
    FLAGGED_ITEMS = "flagged_items"  # the plan's questions, of every subject
    RANDOM_SUBJECTS = "random_subjects"  # every item of a share of each center's subjects
    FIRST_SUBJECTS = "first_subjects"  # every item of each center's first subjects


class SdvPlan(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A verification plan of the study, or of one center (which overrides the study's
    for its subjects), applying to the subjects who start (are included, or added) on or
    after ``effective_from``. Plans are not changed: a new one takes over from its date."""

    __tablename__ = "monitoring_sdv_plans"
    __table_args__ = (
        # One plan per scope (the study, or a center) starting on a given day.
        sa.UniqueConstraint(
            "study_id", "center_id", "effective_from", postgresql_nulls_not_distinct=True
        ),
    )
    study_center = "center_id"
    # Removing a plan changes what is required of past subjects: it says why.
    audit_reason = ReasonPolicy.AFTER_CREATION

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id))
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter | None] = relationship(lazy="joined")
    kind: Mapped[str] = mapped_column(sa.String(20))
    effective_from: Mapped[dt.date]
    codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    percentage: Mapped[int | None]
    subject_count: Mapped[int | None]
    # 32 random bytes (hex) of a random sample: the sample is replayed from it.
    seed: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def center_uuid(self) -> uuid.UUID | None:
        return self.center.uuid if self.center else None

    @property
    def center_code(self) -> str | None:
        return self.center.code if self.center else None

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool]:
        """The study's own plans, and those of these centers."""
        return sa.or_(cls.center_id.is_(None), cls.center_id.in_(center_ids))


MODELS: list[type] = [Verification, SdvPlan]
