"""The panel: a volunteer per subjects-module subject, the tenant's profile questions,
consents with their purpose and dates, notes, saved filters and GDPR requests."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, TenantModel, User, utcnow
from plugins.subject_repository.permissions import PANEL_PERSONAL_DATA
from plugins.subjects.api import Subject


class VolunteerStatus(enum.StrEnum):
    ACTIVE = "active"
    ERASED = "erased"  # personal data erased on an approved erasure request


class Volunteer(TenantModel, BaseModel, Audited):
    """A subject of the tenant on its panel; ``profile`` holds the answers to the profile
    questions by code (a GIN index serves the filters)."""

    __tablename__ = "panel_volunteers"
    __table_args__ = (
        sa.Index(
            "ix_panel_volunteers_profile",
            "profile",
            postgresql_using="gin",
            postgresql_ops={"profile": "jsonb_path_ops"},
        ),
    )

    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), unique=True)
    subject: Mapped[Subject] = relationship(lazy="joined")
    # The SHA-256 of the normalized email: one volunteer per email, none kept in clear here.
    email_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default=VolunteerStatus.ACTIVE)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # Set by the retention rule (no activity for the tenant's number of years): a review is due.
    review_flagged_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]

    audit_sensitive = {PANEL_PERSONAL_DATA: frozenset({"profile", "email_digest"})}

    @property
    def platform_id(self) -> str:
        return self.subject.platform_id


class ProfileForm(TenantModel, BaseModel, Audited):
    """The tenant's profile questions (form-engine blocks), one row; each save a revision."""

    __tablename__ = "panel_profile_forms"

    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    revision: Mapped[int] = mapped_column(default=1)


class ConsentPurpose(enum.StrEnum):
    CONTACT_FOR_STUDIES = "contact_for_studies"
    NEWSLETTER = "newsletter"
    DATA_SHARING = "data_sharing"


class PanelConsent(TenantModel, BaseModel, Audited):
    """A consent for one purpose, from when it was given to when it was withdrawn; a new
    consent after a withdrawal is a new row, so the history stays."""

    __tablename__ = "panel_consents"
    __table_args__ = (
        sa.Index(
            "uq_panel_consents_standing",
            "volunteer_id",
            "purpose",
            unique=True,
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        ),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey(Volunteer.id), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))
    given_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]


class VolunteerNote(TenantModel, BaseModel, Audited):
    """A note staff keep about a volunteer (personal data: erased with them)."""

    __tablename__ = "panel_notes"

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey(Volunteer.id), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    author: Mapped[User | None] = relationship(lazy="joined")
    text: Mapped[str] = mapped_column(sa.Text)

    audit_sensitive = {PANEL_PERSONAL_DATA: frozenset({"text"})}


class SavedFilter(TenantModel, BaseModel, Audited):
    """A named search of the panel, run again each time it is read."""

    __tablename__ = "panel_saved_filters"

    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONB)


class GdprKind(enum.StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"


class GdprStatus(enum.StrEnum):
    PENDING = "pending"  # an erasure waiting for the DPO
    COMPLETED = "completed"  # an access file made
    APPROVED = "approved"  # personal data erased
    REFUSED = "refused"  # with the DPO's reason


class GdprRequest(TenantModel, BaseModel, Audited):
    """An access or erasure request of a volunteer (made by them or for them)."""

    __tablename__ = "panel_gdpr_requests"
    __table_args__ = (
        # One erasure waiting at a time per volunteer.
        sa.Index(
            "uq_panel_gdpr_requests_pending",
            "volunteer_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey(Volunteer.id), index=True)
    volunteer: Mapped[Volunteer] = relationship(lazy="joined")
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    by_subject: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    decided_at: Mapped[dt.datetime | None]
    # The access file: a document of record (JSON), with the SHA-256 it was stored with.
    file_uuid: Mapped[uuid.UUID | None]
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    audit_sensitive = {PANEL_PERSONAL_DATA: frozenset({"reason"})}


MODELS: list[type] = [Volunteer, ProfileForm, PanelConsent, VolunteerNote, SavedFilter, GdprRequest]
