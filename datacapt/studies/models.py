"""Studies, their centers and their teams."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.database import BaseModel, SoftDeleteMixin, StatusTransitionMixin, TenantModel
from datacapt.database.audited import Audited
from datacapt.i18n import Message
from datacapt.identity.models import User
from datacapt.permissions.models import Role


class StudyStatus(enum.StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    ENDED = "ended"
    ARCHIVED = "archived"


class Study(TenantModel, BaseModel, SoftDeleteMixin, StatusTransitionMixin, Audited):
    __tablename__ = "studies"

    reference: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=StudyStatus.DRAFT)

    status_subject = Message("The study")
    allowed_status_transitions = {
        StudyStatus.DRAFT: {StudyStatus.LIVE},
        StudyStatus.LIVE: {StudyStatus.ENDED},
        StudyStatus.ENDED: {StudyStatus.ARCHIVED},
    }

    def audit_study_id(self) -> str | None:
        return str(self.uuid)


class StudyCenter(TenantModel, BaseModel, Audited):
    """A site (hospital, lab); it can take part in several studies of the tenant."""

    __tablename__ = "study_centers"

    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))


# Unique whatever the case (migration 0006): a lookup compares lower-cased values.
sa.Index("studies_reference_lower_key", sa.func.lower(Study.reference), unique=True)
sa.Index("study_centers_code_lower_key", sa.func.lower(StudyCenter.code), unique=True)


class StudyCenterAssociation(TenantModel, Audited):
    __tablename__ = "study_center_associations"
    __table_args__ = (sa.UniqueConstraint("study_id", "center_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id), index=True)
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship(lazy="joined")


study_user_centers = sa.Table(
    "study_user_centers",
    TenantModel.metadata,
    sa.Column("study_user_id", sa.ForeignKey("study_users.id"), primary_key=True),
    sa.Column("center_id", sa.ForeignKey(StudyCenter.id), primary_key=True),
)


class StudyUser(TenantModel, BaseModel, Audited):
    """A user's membership of a study: the study role, and which centers the user sees."""

    __tablename__ = "study_users"
    __table_args__ = (sa.UniqueConstraint("study_id", "user_id"),)

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id), index=True)
    study: Mapped[Study] = relationship()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    role_id: Mapped[int] = mapped_column(sa.ForeignKey(Role.id))
    role: Mapped[Role] = relationship(lazy="joined")
    all_centers: Mapped[bool] = mapped_column(default=True)
    # Loaded when used (lists eager-load it): most requests only need the role.
    centers: Mapped[list[StudyCenter]] = relationship(secondary=study_user_centers)
