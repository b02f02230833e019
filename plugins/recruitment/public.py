"""What the public sees without a login, on the tenant's host: a published recruitment's
page with its application form, applying to it, and an applicant's or an invited
volunteer's link (its token in a header) opening their application or invitation only.
Pages and applications are rate limited per client address, and links that open nothing
count against it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import g

from datacapt.toolkit import (
    Actor,
    Message,
    Study,
    acting_as,
    client_address,
    current_tenant,
    db,
    enforce_limit,
    evaluate_form,
    filled_blocks,
    in_reading_language,
)
from plugins.recruitment import applications, campaigns, slots, studies
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import (
    BOOKABLE_STATUSES,
    CampaignInvitation,
    RecruitmentApplication,
    RecruitmentStudy,
)
from plugins.subjects.api import Subject

APPLICATION_HEADER = "Application-Token"
INVITATION_HEADER = "Invitation-Token"


def _limit() -> None:
    enforce_limit(
        "auth",
        current_tenant().schema_name,
        "recruitment",
        client_address(),
        internal=RecruitmentCodes.RECRUITMENT_TOO_MANY_ATTEMPTS,
        message=Message("Too many requests: try again later."),
    )


@contextmanager
def _as(subject: Subject, study_id: int) -> Iterator[None]:
    """What the volunteer does is audited as theirs, in the clinical study."""
    with acting_as(Actor("subject", str(subject.uuid), subject.platform_id)):
        g.study = db.session.get(Study, study_id)
        yield
        db.session.flush()


def page(recruitment: RecruitmentStudy) -> dict[str, Any]:
    """The public page, its form's texts in the reader's language among the study's."""
    state = evaluate_form(studies.questions(recruitment), {})
    study = db.session.get(Study, recruitment.study_id)
    assert study is not None  # a recruitment belongs to its study
    return {
        "uuid": recruitment.uuid,
        "title": recruitment.title,
        "description": recruitment.description,
        "criteria": recruitment.criteria,
        "opens_on": recruitment.opens_on,
        "closes_on": recruitment.closes_on,
        "open": studies.is_open_now(recruitment),
        "blocks": in_reading_language(study, filled_blocks(recruitment.blocks, state)),
    }


def read_page(recruitment_uuid: Any) -> dict[str, Any]:
    _limit()
    return page(studies.published_recruitment(recruitment_uuid))


def apply(recruitment_uuid: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    _limit()
    # Each application emails its applicant: one inbox is not flooded from many addresses.
    enforce_limit(
        "password-reset",
        current_tenant().schema_name,
        "recruitment",
        str(data["applicant"]["email"]).strip().lower(),
        internal=RecruitmentCodes.RECRUITMENT_TOO_MANY_ATTEMPTS,
        message=Message("Too many requests: try again later."),
    )
    recruitment = studies.published_recruitment(recruitment_uuid)
    g.study = db.session.get(Study, recruitment.study_id)
    applications.apply(recruitment, data["answers"], personal=data["applicant"])
    # The same answer whatever the email's past: what the application says (a wash-out
    # refusal tells of other studies) is read from the link emailed to the email's owner.
    return {"title": recruitment.title, "received": True}


def applicant_view(application: RecruitmentApplication) -> dict[str, Any]:
    bookable = application.status in BOOKABLE_STATUSES and not application.waiting_list
    return {
        "application": application.uuid,
        "title": application.recruitment.title,
        "status": application.status,
        "reason": application.reason,
        "waiting_list": application.waiting_list,
        "booking": slots.booking_of(application),
        "slots": (
            list(
                db.session.execute(
                    slots.list_slots(application.recruitment, available_only=True)
                ).scalars()
            )
            if bookable
            else []
        ),
    }


def read_application(token: str | None) -> dict[str, Any]:
    return applicant_view(applications.application_for_token(token))


def book(token: str | None, slot_uuid: Any) -> dict[str, Any]:
    application = applications.application_for_token(token)
    with _as(application.subject, application.study_id):
        slots.book(application, slot_uuid, booked_by="applicant")
    return applicant_view(application)


def cancel(token: str | None) -> dict[str, Any]:
    application = applications.application_for_token(token)
    with _as(application.subject, application.study_id):
        slots.cancel(application)
    return applicant_view(application)


def _applied_through(invitation: CampaignInvitation) -> bool:
    return db.session.execute(
        sa.select(sa.exists().where(RecruitmentApplication.invitation_id == invitation.id))
    ).scalar_one()


def read_invitation(token: str | None) -> dict[str, Any]:
    invitation = campaigns.invitation_for_token(token)
    with _as(invitation.subject, invitation.study_id):
        campaigns.record_response(invitation)
    return {**page(invitation.campaign.recruitment), "applied": _applied_through(invitation)}


def apply_invited(token: str | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    invitation = campaigns.invitation_for_token(token)
    with _as(invitation.subject, invitation.study_id):
        campaigns.record_response(invitation)
        application, link_token = applications.apply(
            invitation.campaign.recruitment, answers, invitation=invitation
        )
    return {**applicant_view(application), "token": link_token}
