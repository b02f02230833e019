"""The recruitment plugin's tables: recruitment studies of a clinical study, their
applications, visit slots and bookings, and campaigns inviting panel volunteers."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
)
from plugins.recruitment.permissions import ANSWERS
from plugins.subjects.api import Subject, SubjectInStudy


class ApplicationStatus(enum.StrEnum):
    APPLIED = "applied"
    PRE_SCREENED = "pre_screened"
    INVITED = "invited"
    SCHEDULED = "scheduled"
    SCREENED = "screened"
    INCLUDED = "included"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"


#: The applications that take a place towards the target.
ACTIVE_STATUSES = frozenset(
    {
        ApplicationStatus.PRE_SCREENED,
        ApplicationStatus.INVITED,
        ApplicationStatus.SCHEDULED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.INCLUDED,
    }
)
#: Where an applicant may book (or change) a visit slot.
BOOKABLE_STATUSES = frozenset(
    {ApplicationStatus.PRE_SCREENED, ApplicationStatus.INVITED, ApplicationStatus.SCHEDULED}
)
#: The statuses that end an application and say why.
ENDED_STATUSES = frozenset({ApplicationStatus.NOT_ELIGIBLE, ApplicationStatus.WITHDRAWN})


class RecruitmentStudy(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """The recruitment of a clinical study: its public page, application form with its
    pre-screening rules, and the number of participants it looks for."""

    __tablename__ = "recruitment_studies"
    study_center = None

    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    criteria: Mapped[str] = mapped_column(sa.Text, default="")
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    target: Mapped[int]
    published: Mapped[bool] = mapped_column(default=False)
    # The application form, blocks of the form engine; "exclusion" validations pre-screen.
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)

    def is_open(self, today: dt.date) -> bool:
        return (
            self.published
            and (self.opens_on is None or self.opens_on <= today)
            and (self.closes_on is None or today <= self.closes_on)
        )


class RecruitmentApplication(
    TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited
):
    """A panel volunteer's application to one recruitment study; its token (only its digest
    stored) lets the applicant follow it and book a slot."""

    __tablename__ = "recruitment_applications"
    __table_args__ = (sa.UniqueConstraint("recruitment_id", "subject_id"),)
    study_center = None

    recruitment_id: Mapped[int] = mapped_column(sa.ForeignKey(RecruitmentStudy.id), index=True)
    recruitment: Mapped[RecruitmentStudy] = relationship(lazy="joined")
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), index=True)
    subject: Mapped[Subject] = relationship(lazy="joined")
    status: Mapped[str] = mapped_column(sa.String(20), default=ApplicationStatus.APPLIED)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # Why it ended: the pre-screening rule or wash-out that excluded it, or staff's reason.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    waiting_list: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recruitment_invitations.id"), index=True
    )
    participation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(SubjectInStudy.id), unique=True
    )

    audit_sensitive = {ANSWERS: frozenset({"answers"})}
    audit_exclude = frozenset({"token_hash"})
    status_subject = Message("The application")
    allowed_status_transitions: ClassVar[dict[str, set[str]]] = {
        ApplicationStatus.APPLIED: {
            ApplicationStatus.PRE_SCREENED,
            ApplicationStatus.NOT_ELIGIBLE,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.PRE_SCREENED: {
            ApplicationStatus.INVITED,
            ApplicationStatus.SCHEDULED,
            ApplicationStatus.NOT_ELIGIBLE,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.INVITED: {
            ApplicationStatus.SCHEDULED,
            ApplicationStatus.NOT_ELIGIBLE,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.SCHEDULED: {
            ApplicationStatus.INVITED,  # the booking was cancelled
            ApplicationStatus.SCREENED,
            ApplicationStatus.NOT_ELIGIBLE,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.SCREENED: {
            ApplicationStatus.INCLUDED,
            ApplicationStatus.NOT_ELIGIBLE,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.INCLUDED: {ApplicationStatus.WITHDRAWN},
    }


class VisitSlot(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A visit slot of a recruitment study, for up to ``capacity`` applicants."""

    __tablename__ = "recruitment_slots"
    __table_args__ = (
        sa.UniqueConstraint("recruitment_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="recruitment_slot_times"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="recruitment_slot_booked"),
    )
    study_center = None

    recruitment_id: Mapped[int] = mapped_column(sa.ForeignKey(RecruitmentStudy.id), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    capacity: Mapped[int]
    # Kept under the slot's row lock, and bounded by the database as a last guard.
    booked: Mapped[int] = mapped_column(default=0)


class SlotBooking(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """An application's visit slot (one at a time), and whether its reminder went."""

    __tablename__ = "recruitment_bookings"
    study_center = None

    slot_id: Mapped[int] = mapped_column(sa.ForeignKey(VisitSlot.id), index=True)
    slot: Mapped[VisitSlot] = relationship(lazy="joined")
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey(RecruitmentApplication.id), unique=True
    )
    application: Mapped[RecruitmentApplication] = relationship(lazy="joined")
    booked_by: Mapped[str] = mapped_column(sa.String(20))
    reminded_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RecruitmentCampaign(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Panel volunteers matching a filter, invited by email or SMS to apply."""

    __tablename__ = "recruitment_campaigns"
    study_center = None

    recruitment_id: Mapped[int] = mapped_column(sa.ForeignKey(RecruitmentStudy.id), index=True)
    recruitment: Mapped[RecruitmentStudy] = relationship(lazy="joined")
    name: Mapped[str] = mapped_column(sa.String(200))
    channel: Mapped[str] = mapped_column(sa.String(10))
    # A filter of the panel (its spec, or a saved filter's uuid as {"saved": uuid}).
    filter: Mapped[dict[str, Any]] = mapped_column(JSONB)
    invited: Mapped[int] = mapped_column(default=0)


class CampaignInvitation(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One volunteer invited by a campaign; the token of their link (its digest stored)
    tells when they responded."""

    __tablename__ = "recruitment_invitations"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "subject_id"),)
    study_center = None

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey(RecruitmentCampaign.id), index=True)
    campaign: Mapped[RecruitmentCampaign] = relationship(lazy="joined")
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey(Subject.id), index=True)
    subject: Mapped[Subject] = relationship(lazy="joined")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    responded_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    audit_exclude = frozenset({"token_hash"})


MODELS: list[type] = [
    RecruitmentStudy,
    RecruitmentCampaign,
    CampaignInvitation,
    RecruitmentApplication,
    VisitSlot,
    SlotBooking,
]
