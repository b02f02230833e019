"""Recruitment of the clinical study named by the Study-Uuid header: recruitment studies,
their visit slots, applications moved along and booked, conversion into subjects, and
campaigns inviting panel volunteers."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.recruitment import applications, campaigns, conversion, permissions, slots, studies
from plugins.recruitment.schemas import (
    RecruitmentApplicationReadSchema,
    RecruitmentApplicationSearchSchema,
    RecruitmentApplicationSummarySchema,
    RecruitmentBookingReadSchema,
    RecruitmentBookingSchema,
    RecruitmentCampaignReadSchema,
    RecruitmentCampaignWriteSchema,
    RecruitmentConversionSchema,
    RecruitmentConvertedSchema,
    RecruitmentReadSchema,
    RecruitmentSlotPresetSchema,
    RecruitmentSlotSchema,
    RecruitmentStatusChangeSchema,
    RecruitmentUpdateSchema,
    RecruitmentWriteSchema,
)

FORM_INVALID = {
    422: "The application form has problems; details.problems (RECRUITMENT_FORM_INVALID)."
}
INVALID = {422: "Inconsistent data (RECRUITMENT_INVALID)."}
TRANSITION = {409: "Not a move its status allows (ILLEGAL_STATUS_TRANSITION)."}
NOT_BOOKABLE = {
    409: "The application cannot book now, the slot has passed (RECRUITMENT_NOT_BOOKABLE) or "
    "is full (RECRUITMENT_SLOT_FULL)."
}

blp = Blueprint(
    "recruitment",
    __name__,
    url_prefix="/api/recruitment",
    description="Recruitment: recruitment studies, applications, visit slots, campaigns",
)


def _recruitment(recruitment_uuid):
    return studies.get_recruitment(current_study(), recruitment_uuid)


def _application(application_uuid):
    return applications.get_application(current_study(), application_uuid)


@blp.route("/studies/")
class Recruitments(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.response(200, RecruitmentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The recruitment studies of the clinical study, oldest first."""
        return paginate(studies.list_recruitments(current_study()), pagination_parameters)

    @blp.arguments(RecruitmentWriteSchema)
    @blp.errors(FORM_INVALID, INVALID)
    @blp.response(201, RecruitmentReadSchema)
    def post(self, data):
        """A recruitment study: its page, application form (exclusion rules pre-screen)
        and target; published, its page is served to the public."""
        return studies.create_recruitment(current_study(), data)


@blp.route("/studies/<uuid:recruitment_uuid>")
class RecruitmentDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE}

    @blp.response(200, RecruitmentReadSchema)
    def get(self, recruitment_uuid):
        return _recruitment(recruitment_uuid)

    @blp.arguments(RecruitmentUpdateSchema)
    @blp.errors(FORM_INVALID, INVALID)
    @blp.response(200, RecruitmentReadSchema)
    def patch(self, data, recruitment_uuid):
        """Change what is given; answers already given stay as they were."""
        return studies.change_recruitment(_recruitment(recruitment_uuid), data)


@blp.route("/studies/<uuid:recruitment_uuid>/slots/")
class Slots(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.response(200, RecruitmentSlotSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, recruitment_uuid):
        """The visit slots, by time, with how many are booked."""
        return paginate(slots.staff_slots(_recruitment(recruitment_uuid)), pagination_parameters)

    @blp.arguments(RecruitmentSlotPresetSchema)
    @blp.errors(INVALID, {409: "Some of these slots exist (RECRUITMENT_INVALID)."})
    @blp.response(201, RecruitmentSlotSchema(many=True))
    def post(self, data, recruitment_uuid):
        """Preset slots: every `every_minutes` from `start` to `end` of `day` (the
        tenant's local times), each for `capacity` applicants."""
        return slots.add_slots(_recruitment(recruitment_uuid), data)


@blp.route("/studies/<uuid:recruitment_uuid>/applications/")
class Applications(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(RecruitmentApplicationSearchSchema, location="query")
    @blp.response(200, RecruitmentApplicationSummarySchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters, recruitment_uuid):
        """The applications, in the order they came (filters: `status`, `waiting_list`),
        without their answers (read one by one, audited)."""
        recruitment = _recruitment(recruitment_uuid)
        return paginate(applications.list_applications(recruitment, filters), pagination_parameters)


@blp.route("/applications/<uuid:application_uuid>")
class ApplicationDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, RecruitmentApplicationReadSchema)
    def get(self, application_uuid):
        """The application with its pre-screening answers (health data): the read is
        audited."""
        return applications.read_application(_application(application_uuid))


@blp.route("/applications/<uuid:application_uuid>/status")
class ApplicationStatusChange(ApiView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(RecruitmentStatusChangeSchema)
    @blp.errors(
        INVALID,
        TRANSITION,
        {409: "On the waiting list: the target is reached (RECRUITMENT_TARGET_REACHED)."},
    )
    @blp.response(200, RecruitmentApplicationSummarySchema)
    def post(self, data, application_uuid):
        """Move the application on; `not_eligible` and `withdrawn` need a `reason` and
        free its slot and its place (the first applicant waiting takes it)."""
        return applications.change_status(
            _application(application_uuid), data["status"], data["reason"]
        )


@blp.route("/applications/<uuid:application_uuid>/booking")
class ApplicationBooking(ApiView):
    permissions_registry = {"PUT": permissions.MANAGE, "DELETE": permissions.MANAGE}

    @blp.arguments(RecruitmentBookingSchema)
    @blp.errors(NOT_BOOKABLE, TRANSITION)
    @blp.response(200, RecruitmentBookingReadSchema)
    def put(self, data, application_uuid):
        """Book the applicant's visit in a slot (a booking they had is given up); the
        applicant is told by email."""
        return slots.book(_application(application_uuid), data["slot"], booked_by="staff")

    @blp.errors(TRANSITION)
    @blp.response(204)
    def delete(self, application_uuid):
        """Cancel the visit: the slot's place is freed."""
        slots.cancel(_application(application_uuid))


@blp.route("/applications/<uuid:application_uuid>/conversion")
class ApplicationConversion(ApiView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(RecruitmentConversionSchema)
    @blp.errors(
        {
            409: "Converted already (RECRUITMENT_ALREADY_CONVERTED), not included "
            "(RECRUITMENT_NOT_CONVERTIBLE), refused by the wash-out (RECRUITMENT_WASHOUT) or "
            "already a subject of the study (CONFLICT)."
        },
        {403: "A center the caller does not see (PERMISSION_DENIED)."},
    )
    @blp.response(201, RecruitmentConvertedSchema)
    def post(self, data, application_uuid):
        """The included applicant becomes a subject of the study at the center, as the
        same person; once."""
        return conversion.convert(current_study(), _application(application_uuid), data["center"])


@blp.route("/studies/<uuid:recruitment_uuid>/campaigns/")
class Campaigns(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.CAMPAIGNS}

    @blp.response(200, RecruitmentCampaignReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, recruitment_uuid):
        """The campaigns, with how many were invited, responded and applied."""
        page = paginate(
            campaigns.list_campaigns(_recruitment(recruitment_uuid)), pagination_parameters
        )
        return [campaigns.campaign_view(campaign) for campaign in page]

    @blp.arguments(RecruitmentCampaignWriteSchema)
    @blp.response(201, RecruitmentCampaignReadSchema)
    def post(self, data, recruitment_uuid):
        """Invite the panel volunteers the filter matches who agreed to be contacted for
        studies (those invited to or applied to this recruitment already are left out),
        each by the channel with a link of their own."""
        recruitment = _recruitment(recruitment_uuid)
        return campaigns.campaign_view(campaigns.send_campaign(recruitment, data))
