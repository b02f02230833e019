"""The public side of recruitment, without a login, on the tenant's host: a published
recruitment's page and applying to it; an applicant's link (RecruitmentApplication-Token) and a
campaign's invitation link (CampaignInvitation-Token), each opening its own record only."""

from __future__ import annotations

from flask import request

from datacapt.toolkit import RATE_LIMITED, REASON_FOR_CHANGE, ApiView, Blueprint, Header
from plugins.recruitment import public
from plugins.recruitment.schemas import (
    RecruitmentApplicantViewSchema,
    RecruitmentAppliedSchema,
    RecruitmentBookingSchema,
    RecruitmentInvitationPageSchema,
    RecruitmentInvitedApplicationSchema,
    RecruitmentPublicApplicationSchema,
    RecruitmentPublicPageSchema,
    RecruitmentReceivedSchema,
)

LINK_ERRORS = {
    401: "The link opens nothing (RECRUITMENT_LINK_INVALID).",
    429: "Too many links that opened nothing from this address (RECRUITMENT_TOO_MANY_ATTEMPTS).",
}
APPLICATION_TOKEN = Header(
    public.APPLICATION_HEADER,
    "The token of the applicant's link",
    required=True,
    errors=LINK_ERRORS,
)
INVITATION_TOKEN = Header(
    public.INVITATION_HEADER,
    "The token of the invitation's link",
    required=True,
    errors=LINK_ERRORS,
)
LIMITED = {429: "Too many requests from this address (RECRUITMENT_TOO_MANY_ATTEMPTS)."}
APPLY_ERRORS = (
    {409: "Not open (RECRUITMENT_CLOSED), or applied already (RECRUITMENT_ALREADY_APPLIED)."},
    {422: "Answers that do not fit the form, or required ones missing (RECRUITMENT_INVALID)."},
)
NOT_BOOKABLE = {
    409: "The application cannot book now, the slot has passed (RECRUITMENT_NOT_BOOKABLE) or "
    "is full (RECRUITMENT_SLOT_FULL)."
}

public_blp = Blueprint(
    "recruitment_public",
    __name__,
    url_prefix="/api/recruitment/public",
    description="Recruitment for the public: study pages, applications, applicants' links",
)


@public_blp.route("/studies/<uuid:recruitment_uuid>")
class PublicPage(ApiView):
    PUBLIC = True

    @public_blp.errors(LIMITED, RATE_LIMITED)
    @public_blp.response(200, RecruitmentPublicPageSchema)
    def get(self, recruitment_uuid):
        """A published recruitment's page: title, description, criteria, dates, form."""
        return public.read_page(recruitment_uuid)


@public_blp.route("/studies/<uuid:recruitment_uuid>/applications")
class PublicApplications(ApiView):
    PUBLIC = True

    @public_blp.arguments(RecruitmentPublicApplicationSchema)
    @public_blp.errors(LIMITED, RATE_LIMITED, *APPLY_ERRORS)
    @public_blp.response(201, RecruitmentReceivedSchema)
    def post(self, data, recruitment_uuid):
        """Apply: the applicant joins the panel (or is found there by their email) and is
        pre-screened at once; the link to follow the application goes to the email (again,
        for an email that applied already), and the answer is the same either way."""
        return public.apply(recruitment_uuid, data)


@public_blp.route("/application")
class PublicApplication(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(APPLICATION_TOKEN)
    @public_blp.response(200, RecruitmentApplicantViewSchema)
    def get(self):
        """The application the link opens: its status (with the reason it ended), its
        booking, and the slots with a place left when a visit can be booked."""
        return public.read_application(request.headers.get(public.APPLICATION_HEADER))


@public_blp.route("/application/booking")
class PublicBooking(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(APPLICATION_TOKEN)
    @public_blp.arguments(RecruitmentBookingSchema)
    @public_blp.errors(NOT_BOOKABLE)
    @public_blp.response(200, RecruitmentApplicantViewSchema)
    def put(self, data):
        """Book a visit in a slot (one booked before is given up); confirmed by email."""
        return public.book(request.headers.get(public.APPLICATION_HEADER), data["slot"])

    @public_blp.reads_headers(APPLICATION_TOKEN)
    @public_blp.errors({409: "No move back its status allows (ILLEGAL_STATUS_TRANSITION)."})
    @public_blp.response(200, RecruitmentApplicantViewSchema)
    def delete(self):
        """Cancel the visit booked."""
        return public.cancel(request.headers.get(public.APPLICATION_HEADER))


@public_blp.route("/invitation")
class PublicInvitation(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(INVITATION_TOKEN, REASON_FOR_CHANGE)  # the response is audited
    @public_blp.response(200, RecruitmentInvitationPageSchema)
    def get(self):
        """The page of the recruitment the volunteer was invited to; opening it records
        that they responded."""
        return public.read_invitation(request.headers.get(public.INVITATION_HEADER))


@public_blp.route("/invitation/application")
class PublicInvitedApplication(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(INVITATION_TOKEN)
    @public_blp.arguments(RecruitmentInvitedApplicationSchema)
    @public_blp.errors(*APPLY_ERRORS)
    @public_blp.response(201, RecruitmentAppliedSchema)
    def post(self, data):
        """Apply as the invited volunteer (the panel knows who they are)."""
        return public.apply_invited(request.headers.get(public.INVITATION_HEADER), data["answers"])
