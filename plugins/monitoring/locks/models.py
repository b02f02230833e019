"""Freezes and locks of a study's data: each a hold on a target (a subject's section, a
visit, a subject, a center, the study), from the moment it is placed until it is
released."""

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
    Message,
    StatusTransitionMixin,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.ecrf.api import PLAIN
from plugins.subjects.api import SubjectInStudy


class Level(enum.StrEnum):
    """What a hold covers, from the narrowest to the whole study."""

    SECTION = "section"  # one section (form) of one subject
    VISIT = "visit"  # one section for every subject of the study
    SUBJECT = "subject"  # every section of one subject
    CENTER = "center"  # every subject of one center
    STUDY = "study"


#: Levels spanning every center of the study.
STUDY_WIDE_LEVELS = frozenset({Level.VISIT, Level.STUDY})


class LockStatus(enum.StrEnum):
    """frozen -> locked -> unlocked, or frozen -> unfrozen; a released hold stays as
    history, and a new freeze or lock of the same target is a new hold."""

    FROZEN = "frozen"
    LOCKED = "locked"
    UNFROZEN = "unfrozen"
    UNLOCKED = "unlocked"


#: The statuses of a hold in force.
HOLDING = frozenset({LockStatus.FROZEN, LockStatus.LOCKED})


class DataLock(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A freeze or lock of a target. ``section_uuid`` names the eCRF section by its public
    id, with no foreign key: a design change never depends on holds, and a hold keeps
    naming a section the design removed. The actors are kept as they were named then
    (``{"uuid", "name"}``)."""

    __tablename__ = "monitoring_data_locks"
    __table_args__ = (
        # One hold in force per target; also the index of every save's check.
        sa.Index(
            "monitoring_data_locks_holding_key",
            "study_id",
            "level",
            "subject_in_study_id",
            "center_id",
            "section_uuid",
            "instance",
            unique=True,
            postgresql_nulls_not_distinct=True,
            postgresql_where=sa.text("status IN ('frozen', 'locked')"),
        ),
    )

    level: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    subject_in_study_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(SubjectInStudy.id), index=True
    )
    participation: Mapped[SubjectInStudy | None] = relationship()
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter | None] = relationship()
    section_uuid: Mapped[uuid.UUID | None]
    # A section-level hold of one zone (a section filled once per zone); PLAIN: all of it.
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    frozen_at: Mapped[dt.datetime | None]
    frozen_by: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    locked_at: Mapped[dt.datetime | None]
    locked_by: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    released_at: Mapped[dt.datetime | None]
    released_by: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    status_subject = Message("The freeze or lock")
    allowed_status_transitions = {
        LockStatus.FROZEN: {LockStatus.LOCKED, LockStatus.UNFROZEN},
        LockStatus.LOCKED: {LockStatus.UNLOCKED},
    }

    @property
    def held_since(self) -> dt.datetime | None:
        """When the hold took its present status (locked, else frozen)."""
        return self.locked_at if self.status == LockStatus.LOCKED else self.frozen_at

    @property
    def held_at_center(self) -> StudyCenter | None:
        """The center of the hold: its own (center level), or its subject's."""
        return self.participation.center if self.participation is not None else self.center

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool]:
        """A member limited to some centers sees the holds of those centers and of their
        subjects, and the study-wide ones (a visit, the study), which hold their data too."""
        return sa.or_(
            cls.level.in_(STUDY_WIDE_LEVELS),
            cls.center_id.in_(center_ids),
            cls.participation.has(SubjectInStudy.center_id.in_(center_ids)),
        )

    def audit_context(self) -> AuditContext:
        """Its subject's (with the section), its center's, or the study's."""
        section = str(self.section_uuid) if self.section_uuid is not None else None
        if self.subject_in_study_id is not None:
            participation = db.session.get_one(SubjectInStudy, self.subject_in_study_id)
            return dataclasses.replace(participation.audit_context(), section=section)
        center = db.session.get(StudyCenter, self.center_id) if self.center_id else None
        return AuditContext(
            study=self.audit_study_id(),
            center=str(center.uuid) if center is not None else None,
            section=section,
        )


MODELS: list[type] = [DataLock]
