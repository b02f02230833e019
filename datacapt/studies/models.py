"""Studies, their centers and their teams."""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from datacapt.database import BaseModel, SoftDeleteMixin, StatusTransitionMixin, TenantModel, db
from datacapt.database.audited import Audited, request_study
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


class StudyScopedMixin:
    """A row that belongs to one study: its ``study_id`` key (a model may declare it itself,
    unique or without index), its audit records filed under that study whoever changes it
    (a request in the study, a job, a command), and ``study_query``/``get_in_study``
    (datacapt.studies.context) to read it in the request's study. Put it before ``Audited``.

    ``study_center`` names the row's center, which limits who sees it to the members of
    that center: a column of the model (``"center_id"``) or a path through relationships
    (``"participation.center_id"``); None: every member of the study sees the row.
    """

    study_center: ClassVar[str | None] = None

    @declared_attr
    def study_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey(Study.id), index=True)

    def audit_study_id(self) -> str | None:
        study = request_study()
        if study is None or study.id != self.study_id:
            # By id: in a flush, a new row's relationships are not loaded yet.
            study = db.session.get(Study, self.study_id)
        return str(study.uuid) if study is not None else None

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool] | None:
        """The rows at one of ``center_ids`` (by ``study_center``); None: rows without center."""
        if cls.study_center is None:
            return None
        *hops, column = cls.study_center.split(".")
        entities: list[type] = [cls]
        for hop in hops:
            entities.append(getattr(entities[-1], hop).property.mapper.class_)
        criterion = getattr(entities[-1], column).in_(center_ids)
        for entity, hop in reversed(list(zip(entities, hops, strict=False))):
            criterion = getattr(entity, hop).has(criterion)
        return criterion


class StudyCenter(TenantModel, BaseModel, Audited):
    """A site (hospital, lab); it can take part in several studies of the tenant."""

    __tablename__ = "study_centers"

    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))


# Unique whatever the case (migration 0006): a lookup compares lower-cased values.
sa.Index("studies_reference_lower_key", sa.func.lower(Study.reference), unique=True)
sa.Index("study_centers_code_lower_key", sa.func.lower(StudyCenter.code), unique=True)


class StudyCenterAssociation(TenantModel, StudyScopedMixin, Audited):
    __tablename__ = "study_center_associations"
    __table_args__ = (sa.UniqueConstraint("study_id", "center_id"),)
    study_center = "center_id"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship(lazy="joined")


study_user_centers = sa.Table(
    "study_user_centers",
    TenantModel.metadata,
    sa.Column("study_user_id", sa.ForeignKey("study_users.id"), primary_key=True),
    sa.Column("center_id", sa.ForeignKey(StudyCenter.id), primary_key=True),
)


class StudyUser(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A user's membership of a study: the study role, and which centers the user sees."""

    __tablename__ = "study_users"
    __table_args__ = (sa.UniqueConstraint("study_id", "user_id"),)

    study: Mapped[Study] = relationship()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    role_id: Mapped[int] = mapped_column(sa.ForeignKey(Role.id))
    role: Mapped[Role] = relationship(lazy="joined")
    all_centers: Mapped[bool] = mapped_column(default=True)
    # Loaded when used (lists eager-load it): most requests only need the role.
    centers: Mapped[list[StudyCenter]] = relationship(secondary=study_user_centers)

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool]:
        """A member limited to some centers sees the members of those, and those who see
        every center."""
        return sa.or_(
            cls.all_centers.is_(True),
            sa.exists().where(
                study_user_centers.c.study_user_id == cls.id,
                study_user_centers.c.center_id.in_(center_ids),
            ),
        )
