"""A volunteer's records in recruitment for the GDPR inventory: their applications (the
pre-screening answers and the reason one ended are personal data) and the campaigns'
invitations; an erasure empties the answers and reasons and keeps the rest, which says
only that a pseudonymous person applied, was invited, booked a visit."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import SubjectRecords, db
from plugins.recruitment.models import (
    CampaignInvitation,
    RecruitmentApplication,
    RecruitmentCampaign,
    RecruitmentStudy,
)


def _applications(subject_id: int) -> list[RecruitmentApplication]:
    return list(
        db.session.execute(
            sa.select(RecruitmentApplication)
            .where(RecruitmentApplication.subject_id == subject_id)
            .order_by(RecruitmentApplication.id)
        ).scalars()
    )


def subject_records(subject_id: int) -> list[SubjectRecords]:
    applications = _applications(subject_id)
    invitations = db.session.execute(
        sa.select(CampaignInvitation, RecruitmentStudy.title)
        .join(RecruitmentCampaign, RecruitmentCampaign.id == CampaignInvitation.campaign_id)
        .join(RecruitmentStudy, RecruitmentStudy.id == RecruitmentCampaign.recruitment_id)
        .where(CampaignInvitation.subject_id == subject_id)
        .order_by(CampaignInvitation.id)
    ).all()
    return [
        SubjectRecords(
            "recruitment.applications",
            len(applications),
            [
                {
                    "recruitment": application.recruitment.title,
                    "status": application.status,
                    "reason": application.reason,
                    "answers": application.answers,
                    "applied_at": application.created_at.isoformat(),
                }
                for application in applications
            ],
            personal=True,
        ),
        SubjectRecords(
            "recruitment.invitations",
            len(invitations),
            [
                {
                    "recruitment": title,
                    "invited_at": invitation.created_at.isoformat(),
                    "responded_at": invitation.responded_at.isoformat()
                    if invitation.responded_at
                    else None,
                }
                for invitation, title in invitations
            ],
        ),
    ]


def erase_subject(subject_id: int) -> None:
    for application in _applications(subject_id):
        application.answers = {}
        application.reason = None
    db.session.flush()
