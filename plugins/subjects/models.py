"""Subjects (global in the tenant), their personal data (apart), and their studies."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    SensitiveFields,
    StatusTransitionMixin,
    Study,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    db,
    request_study,
)
from plugins.subjects import permissions

# In the audit trail, only those who may read personal data see these fields' values.
PERSONAL_DATA = SensitiveFields("personal_data", permissions.PERSONAL_DATA)


class SubjectStatus(enum.StrEnum):
    SCREENING = "screening"
    INCLUDED = "included"
    COMPLETED = "completed"
    EXCLUDED = "excluded"
    WITHDRAWN = "withdrawn"


ENDED_WITH_REASON = frozenset({SubjectStatus.EXCLUDED, SubjectStatus.WITHDRAWN})


class ConsentStatus(enum.StrEnum):
    """Where the subject's informed consent stands, as the eConsent module records it."""

    PENDING = "pending"  # asked, not signed yet (a first consent, or a re-consent)
    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Subject(TenantModel, BaseModel, Audited):
    """A person, once per tenant; ``platform_id`` is how staff name them across studies."""

    __tablename__ = "subjects"

    @property
    def platform_id(self) -> str:
        return f"P{self.id:06d}"


class SubjectPersonalData(TenantModel, BaseModel, Audited):
    """Names and contact details: a table of their own, read only with its permission,
    every read audited, never part of an export."""

    __tablename__ = "subject_personal_data"

    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), default="")
    last_name: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    birth_date: Mapped[dt.date | None]
    # The language of what the platform sends them (questionnaire invitations, ...).
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")

    audit_sensitive = {
        PERSONAL_DATA: frozenset({"first_name", "last_name", "email", "phone", "birth_date"})
    }

    def audit_context(self) -> AuditContext:
        """The subject's participation in the study the change is made in (a person's data
        belongs to each of their studies' centers)."""
        study = request_study()
        participation = (
            db.session.execute(
                sa.select(SubjectInStudy).where(
                    SubjectInStudy.subject_id == self.subject_id,
                    SubjectInStudy.study_id == study.id,
                )
            ).scalar_one_or_none()
            if study is not None
            else None
        )
        return participation.audit_context() if participation else super().audit_context()


class SubjectInStudy(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A subject's participation in one study, under a study-specific id, at a center."""

    __tablename__ = "subjects_in_studies"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "study_subject_id"),
        sa.UniqueConstraint("study_id", "subject_id"),
    )
    study_center = "center_id"

    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), index=True)
    subject: Mapped[Subject] = relationship(lazy="joined")
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship(lazy="joined")
    study_subject_id: Mapped[str] = mapped_column(sa.String(60))
    status: Mapped[str] = mapped_column(sa.String(20), default=SubjectStatus.SCREENING)
    inclusion_date: Mapped[dt.date | None]
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    # None: no consent recorded on the platform (a paper consent, or no eConsent module).
    consent_status: Mapped[str | None] = mapped_column(sa.String(20))

    status_subject = Message("The subject")
    allowed_status_transitions = {
        SubjectStatus.SCREENING: {
            SubjectStatus.INCLUDED,
            SubjectStatus.EXCLUDED,
            SubjectStatus.WITHDRAWN,
        },
        SubjectStatus.INCLUDED: {SubjectStatus.COMPLETED, SubjectStatus.WITHDRAWN},
        # Only by reopen() (with a reason): back to where the participation was.
        SubjectStatus.EXCLUDED: {SubjectStatus.SCREENING, SubjectStatus.INCLUDED},
        SubjectStatus.WITHDRAWN: {SubjectStatus.SCREENING, SubjectStatus.INCLUDED},
    }

    def audit_context(self) -> AuditContext:
        """Its study, center and itself: what every record of the subject's data names."""
        # By id: in a flush, a new row's relationships are not loaded yet.
        center = db.session.get(StudyCenter, self.center_id)
        return AuditContext(
            study=self.audit_study_id(),
            center=str(center.uuid) if center else None,
            subject=str(self.uuid),
        )


class SubjectCounter(TenantModel, StudyScopedMixin):
    """The last sequence number given, per study and (when the pattern has one) center."""

    __tablename__ = "subject_counters"
    __table_args__ = (sa.UniqueConstraint("study_id", "scope"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id))
    scope: Mapped[str] = mapped_column(sa.String(40))
    last: Mapped[int] = mapped_column(default=0)
