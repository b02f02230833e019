"""Campaigns: the panel volunteers a filter matches, who agreed to be contacted for
studies, each invited once by email or SMS with a link of their own; opening it records
that they responded, and applying through it ties the application to the invitation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Channel, db, digest, notify, study_query, utcnow
from plugins.recruitment import messages, panel
from plugins.recruitment.applications import refuse_link
from plugins.recruitment.models import (
    CampaignInvitation,
    RecruitmentApplication,
    RecruitmentCampaign,
    RecruitmentStudy,
)


def send_campaign(recruitment: RecruitmentStudy, data: Mapping[str, Any]) -> RecruitmentCampaign:
    """The campaign, its invitations recorded and their messages sent once this commits;
    a volunteer already invited to this recruitment is not invited again."""
    campaign = RecruitmentCampaign(
        study_id=recruitment.study_id,
        recruitment=recruitment,
        name=data["name"],
        channel=data["channel"],
        filter=data["filter"],
        invited=0,
    )
    db.session.add(campaign)
    db.session.flush()
    already = set(
        db.session.execute(
            sa.select(CampaignInvitation.subject_id)
            .join(RecruitmentCampaign, RecruitmentCampaign.id == CampaignInvitation.campaign_id)
            .where(RecruitmentCampaign.recruitment_id == recruitment.id)
        ).scalars()
    )
    applied = set(
        db.session.execute(
            sa.select(RecruitmentApplication.subject_id).where(
                RecruitmentApplication.recruitment_id == recruitment.id
            )
        ).scalars()
    )
    channel = Channel(data["channel"])
    for subject_id in panel.matching(data["filter"]):
        if subject_id in already | applied:
            continue
        public_id = uuid.uuid4()
        db.session.add(
            CampaignInvitation(
                uuid=public_id,
                study_id=recruitment.study_id,
                campaign_id=campaign.id,
                subject_id=subject_id,
                token_hash=digest(messages.invitation_token(public_id)),
            )
        )
        notify(
            messages.INVITATION,
            channel,
            panel.recipient(subject_id, channel),
            {"title": recruitment.title, "invitation": str(public_id)},
            study_id=recruitment.study_id,
        )
        campaign.invited += 1
    db.session.flush()
    return campaign


def campaign_view(campaign: RecruitmentCampaign) -> dict[str, Any]:
    """The campaign with who responded: links opened and applications made through them."""
    responded, applied = db.session.execute(
        sa.select(
            sa.func.count(CampaignInvitation.responded_at),
            sa.func.count(sa.distinct(RecruitmentApplication.id)),
        )
        .select_from(CampaignInvitation)
        .outerjoin(
            RecruitmentApplication, RecruitmentApplication.invitation_id == CampaignInvitation.id
        )
        .where(CampaignInvitation.campaign_id == campaign.id)
    ).one()
    return {
        "uuid": campaign.uuid,
        "name": campaign.name,
        "channel": campaign.channel,
        "filter": campaign.filter,
        "created_at": campaign.created_at,
        "invited": campaign.invited,
        "responded": responded,
        "applied": applied,
    }


def list_campaigns(recruitment: RecruitmentStudy) -> sa.Select:
    return (
        study_query(RecruitmentCampaign)
        .where(RecruitmentCampaign.recruitment_id == recruitment.id)
        .order_by(RecruitmentCampaign.created_at)
    )


def invitation_for_token(token: str | None) -> CampaignInvitation:
    """The invitation a link's token opens (its row locked); else 401, counted."""
    invitation = (
        db.session.execute(
            sa.select(CampaignInvitation)
            .where(CampaignInvitation.token_hash == digest(token))
            .with_for_update(of=CampaignInvitation)
        ).scalar_one_or_none()
        if token
        else None
    )
    if invitation is None:
        refuse_link()
    assert invitation is not None
    return invitation


def record_response(invitation: CampaignInvitation) -> None:
    """The first time the link opens: the volunteer responded."""
    if invitation.responded_at is None:
        invitation.responded_at = utcnow()
        db.session.flush()
