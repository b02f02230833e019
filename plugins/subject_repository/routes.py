"""The panel of the tenant (platform roles, no study): profile questions, volunteers, their
profiles, consents, history, notes and personal data, searches and saved filters,
eligibility under a study's wash-out rules, and GDPR requests decided by the DPO."""

from __future__ import annotations

from typing import Any

from flask import Response

from datacapt.toolkit import (
    REASON_FOR_CHANGE,
    ApiView,
    Blueprint,
    Message,
    Study,
    get_by_uuid,
    paginate,
)
from plugins.subject_repository import filters, gdpr, panel, permissions, washout
from plugins.subject_repository.models import GdprKind, GdprRequest
from plugins.subject_repository.schemas import (
    ErasureApprovalSchema,
    ErasureRefusalSchema,
    GdprAccessRequestSchema,
    GdprErasureRequestSchema,
    GdprInventorySchema,
    GdprRequestReadSchema,
    GdprRequestSearchSchema,
    PanelConsentPurposeSchema,
    PanelConsentReadSchema,
    PanelCountSchema,
    PanelFilterReadSchema,
    PanelFilterUpdateSchema,
    PanelFilterWriteSchema,
    PanelParticipationSchema,
    PanelProfileFormReadSchema,
    PanelProfileFormWriteSchema,
    PanelSearchSchema,
    VolunteerListQuerySchema,
    VolunteerNoteReadSchema,
    VolunteerNoteWriteSchema,
    VolunteerPersonalDataSchema,
    VolunteerProfileWriteSchema,
    VolunteerReadSchema,
    VolunteerRegisterSchema,
    VolunteerSummarySchema,
    WashoutEligibilityQuerySchema,
    WashoutEligibilitySchema,
)

ERASED = {409: "The volunteer's personal data was erased (VOLUNTEER_ERASED)."}
FILTER_INVALID = {422: "The filter cannot be read (FILTER_INVALID)."}
NAME_TAKEN = {409: "Another saved filter has this name (FILTER_NAME_TAKEN)."}
DECIDED = {409: "The request was decided already (GDPR_REQUEST_DECIDED)."}

blp = Blueprint(
    "subject_repository",
    __name__,
    url_prefix="/api/subject-repository",
    description="The panel of volunteers: profiles, consents, history, searches, wash-out,"
    " GDPR requests",
)


class PanelView(ApiView):
    REQUIRES_STUDY = False


def _saved(saved: Any) -> dict[str, Any]:
    return {
        "uuid": saved.uuid,
        "name": saved.name,
        "spec": saved.spec,
        "count": filters.saved_count(saved),
        "modified_at": saved.modified_at,
    }


@blp.route("/profile-form")
class ProfileFormView(PanelView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.MANAGE}

    @blp.response(200, PanelProfileFormReadSchema)
    def get(self):
        """The tenant's profile questions (form-engine blocks; none before a first save)."""
        return panel.profile_form() or {"blocks": [], "revision": 0, "modified_at": None}

    @blp.arguments(PanelProfileFormWriteSchema)
    @blp.errors({422: "The form engine finds problems in the design (PROFILE_FORM_INVALID)."})
    @blp.response(200, PanelProfileFormReadSchema)
    def put(self, data):
        """The profile questions replaced (a new revision)."""
        return panel.save_profile_form(data["blocks"])


@blp.route("/volunteers/")
class Volunteers(PanelView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.arguments(VolunteerListQuerySchema, location="query")
    @blp.response(200, VolunteerSummarySchema(many=True))
    @blp.paginate()
    def get(self, data, pagination_parameters):
        """The panel by registration (filters: `flagged` by the retention rule, `status`)."""
        return paginate(panel.list_volunteers(data), pagination_parameters)

    @blp.arguments(VolunteerRegisterSchema)
    @blp.response(201, VolunteerReadSchema)
    def post(self, data):
        """A volunteer registered by staff: the one with that email if there is one."""
        return panel.volunteer_of(panel.register_volunteer(**data))


@blp.route("/volunteers/search")
class VolunteerSearch(PanelView):
    permissions_registry = {"POST": permissions.ACCESS}

    @blp.arguments(PanelSearchSchema)
    @blp.errors(FILTER_INVALID, {404: "No such saved filter (OBJECT_NOT_FOUND)."})
    @blp.response(200, VolunteerSummarySchema(many=True))
    @blp.paginate()
    def post(self, data, pagination_parameters):
        """The volunteers a filter (or a saved filter) matches, by registration; erased
        volunteers never match."""
        return paginate(filters.search(_spec(data)), pagination_parameters)


def _spec(data: dict[str, Any]) -> Any:
    return data["saved_filter"] if data["saved_filter"] is not None else data["spec"]


@blp.route("/volunteers/count")
class VolunteerCount(PanelView):
    permissions_registry = {"POST": permissions.ACCESS}

    @blp.arguments(PanelSearchSchema)
    @blp.errors(FILTER_INVALID, {404: "No such saved filter (OBJECT_NOT_FOUND)."})
    @blp.response(200, PanelCountSchema)
    def post(self, data):
        """How many volunteers a filter matches."""
        return {"count": filters.matching_count(_spec(data))}


@blp.route("/volunteers/<uuid:volunteer_uuid>")
class VolunteerDetail(PanelView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, VolunteerReadSchema)
    def get(self, volunteer_uuid):
        """The volunteer with their profile answers (the read is audited)."""
        return panel.read_profile(panel.get_volunteer(volunteer_uuid))


@blp.route("/volunteers/<uuid:volunteer_uuid>/profile")
class VolunteerProfile(PanelView):
    permissions_registry = {"PATCH": permissions.MANAGE}

    @blp.arguments(VolunteerProfileWriteSchema)
    @blp.errors(ERASED, {422: "Answers do not fit their questions (PROFILE_ANSWERS_INVALID)."})
    @blp.response(200, VolunteerReadSchema)
    def patch(self, data, volunteer_uuid):
        """Profile answers checked by the form engine and merged (null clears one)."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        panel.update_volunteer_profile(volunteer.subject, data["answers"])
        return volunteer


@blp.route("/volunteers/<uuid:volunteer_uuid>/personal-data")
class VolunteerPersonalData(PanelView):
    permissions_registry = {"GET": permissions.PERSONAL_DATA}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, VolunteerPersonalDataSchema)
    def get(self, volunteer_uuid):
        """Names and contact details (empty once erased); the read is audited."""
        data = panel.personal_data(panel.get_volunteer(volunteer_uuid))
        return data or {"first_name": "", "last_name": "", "language": "en"}


@blp.route("/volunteers/<uuid:volunteer_uuid>/consents")
class VolunteerConsents(PanelView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.response(200, PanelConsentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, volunteer_uuid):
        """Every consent, standing and withdrawn, the latest first."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return paginate(panel.volunteer_consents(volunteer.subject), pagination_parameters)

    @blp.arguments(PanelConsentPurposeSchema)
    @blp.errors(ERASED)
    @blp.response(201, PanelConsentReadSchema)
    def post(self, data, volunteer_uuid):
        """The consent for a purpose given now (the standing one if given already)."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return panel.give_consent(volunteer.subject, data["purpose"])


@blp.route("/volunteers/<uuid:volunteer_uuid>/consents/withdraw")
class ConsentWithdrawal(PanelView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(PanelConsentPurposeSchema)
    @blp.errors({409: "No consent stands for the purpose (CONSENT_NOT_GIVEN)."})
    @blp.response(200, PanelConsentReadSchema)
    def post(self, data, volunteer_uuid):
        volunteer = panel.get_volunteer(volunteer_uuid)
        return panel.withdraw_consent(volunteer.subject, data["purpose"])


@blp.route("/volunteers/<uuid:volunteer_uuid>/history")
class VolunteerHistory(PanelView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, PanelParticipationSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, volunteer_uuid):
        """Participations in the tenant's studies, the latest first."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return paginate(washout.history(volunteer.subject), pagination_parameters)


@blp.route("/volunteers/<uuid:volunteer_uuid>/eligibility")
class VolunteerEligibility(PanelView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(WashoutEligibilityQuerySchema, location="query")
    @blp.errors({404: "No such study (OBJECT_NOT_FOUND)."})
    @blp.response(200, WashoutEligibilitySchema)
    def get(self, data, volunteer_uuid):
        """Whether the study's wash-out rules admit the volunteer now, and why not."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        study = get_by_uuid(Study, data["study"], Message("No such study."))
        reason = washout.washout_refusal(volunteer.subject, study)
        return {"eligible": reason is None, "reason": reason}


@blp.route("/volunteers/<uuid:volunteer_uuid>/notes")
class VolunteerNotes(PanelView):
    permissions_registry = {"GET": permissions.PERSONAL_DATA, "POST": permissions.MANAGE}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, VolunteerNoteReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, volunteer_uuid):
        """Notes about the volunteer, the latest first; the read is audited."""
        return paginate(panel.notes(panel.get_volunteer(volunteer_uuid)), pagination_parameters)

    @blp.arguments(VolunteerNoteWriteSchema)
    @blp.errors(ERASED)
    @blp.response(201, VolunteerNoteReadSchema)
    def post(self, data, volunteer_uuid):
        return panel.add_note(panel.get_volunteer(volunteer_uuid), data["text"])


@blp.route("/volunteers/<uuid:volunteer_uuid>/inventory")
class VolunteerInventory(PanelView):
    permissions_registry = {"GET": permissions.PERSONAL_DATA}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, GdprInventorySchema)
    def get(self, volunteer_uuid):
        """What every module holds about the volunteer (kinds and counts); audited."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return {"modules": gdpr.inventory(volunteer.subject)}


@blp.route("/volunteers/<uuid:volunteer_uuid>/retention-review")
class RetentionReview(PanelView):
    permissions_registry = {"POST": permissions.DPO}

    @blp.errors(ERASED)
    @blp.response(200, VolunteerReadSchema)
    def post(self, volunteer_uuid):
        """The DPO keeps a volunteer the retention rule flagged: the clock restarts (to
        erase them instead, file an erasure request and approve it)."""
        return panel.keep_after_review(panel.get_volunteer(volunteer_uuid))


@blp.route("/volunteers/<uuid:volunteer_uuid>/gdpr-requests")
class VolunteerRequests(PanelView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, GdprRequestReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, volunteer_uuid):
        volunteer = panel.get_volunteer(volunteer_uuid)
        return paginate(gdpr.requests(volunteer), pagination_parameters)


@blp.route("/volunteers/<uuid:volunteer_uuid>/access-requests")
class AccessRequests(PanelView):
    permissions_registry = {"POST": permissions.PERSONAL_DATA}

    @blp.arguments(GdprAccessRequestSchema)
    @blp.errors(ERASED)
    @blp.response(201, GdprRequestReadSchema)
    def post(self, data, volunteer_uuid):
        """An access request, answered at once with its file (JSON of every record held)."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return gdpr.request_access(volunteer.subject, by_subject=data["by_subject"])


@blp.route("/volunteers/<uuid:volunteer_uuid>/erasure-requests")
class ErasureRequests(PanelView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(GdprErasureRequestSchema)
    @blp.errors(
        ERASED, {409: "An erasure request waits for the DPO already (GDPR_REQUEST_PENDING)."}
    )
    @blp.response(201, GdprRequestReadSchema)
    def post(self, data, volunteer_uuid):
        """An erasure request, sent to the DPO for a decision."""
        volunteer = panel.get_volunteer(volunteer_uuid)
        return gdpr.request_erasure(
            volunteer.subject, data["reason"], by_subject=data["by_subject"]
        )


@blp.route("/gdpr-requests/")
class GdprRequests(PanelView):
    permissions_registry = {"GET": permissions.DPO}

    @blp.arguments(GdprRequestSearchSchema, location="query")
    @blp.response(200, GdprRequestReadSchema(many=True))
    @blp.paginate()
    def get(self, data, pagination_parameters):
        """The tenant's GDPR requests, the latest first (filters: `status`, `kind`)."""
        statement = gdpr.requests(status=data.get("status"))
        if data.get("kind"):
            statement = statement.where(GdprRequest.kind == GdprKind(data["kind"]))
        return paginate(statement, pagination_parameters)


@blp.route("/gdpr-requests/<uuid:request_uuid>/file")
class AccessFile(PanelView):
    permissions_registry = {"GET": permissions.PERSONAL_DATA}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.errors({409: "The file was altered or lost, or there is none (ACCESS_FILE_ALTERED)."})
    @blp.response(200, {"type": "string"}, content_type=gdpr.FILE_TYPE, description="The file")
    def get(self, request_uuid):
        """The access file as made (its SHA-256 checked); the read is audited."""
        request = gdpr.get_request(request_uuid)
        name = f"access-{request.volunteer.platform_id}.json"
        return Response(
            gdpr.access_file(request),
            mimetype=gdpr.FILE_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@blp.route("/gdpr-requests/<uuid:request_uuid>/approve")
class ErasureApproval(PanelView):
    permissions_registry = {"POST": permissions.DPO}

    @blp.arguments(ErasureApprovalSchema)
    @blp.errors(DECIDED)
    @blp.response(200, GdprRequestReadSchema)
    def post(self, data, request_uuid):
        """The DPO approves an erasure: personal data erased in every module, clinical data
        kept pseudonymized."""
        return gdpr.approve_erasure(gdpr.get_request(request_uuid), data["comment"])


@blp.route("/gdpr-requests/<uuid:request_uuid>/refuse")
class ErasureRefusal(PanelView):
    permissions_registry = {"POST": permissions.DPO}

    @blp.arguments(ErasureRefusalSchema)
    @blp.errors(DECIDED)
    @blp.response(200, GdprRequestReadSchema)
    def post(self, data, request_uuid):
        """The DPO refuses an erasure, saying why."""
        return gdpr.refuse_erasure(gdpr.get_request(request_uuid), data["reason"])


@blp.route("/filters/")
class SavedFilters(PanelView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.response(200, PanelFilterReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The saved filters by name, each with the count it gives now."""
        page = paginate(filters.saved_filters(), pagination_parameters)
        return [_saved(saved) for saved in page]

    @blp.arguments(PanelFilterWriteSchema)
    @blp.errors(FILTER_INVALID, NAME_TAKEN)
    @blp.response(201, PanelFilterReadSchema)
    def post(self, data):
        return _saved(filters.save_filter(data["name"], data["spec"]))


@blp.route("/filters/<uuid:filter_uuid>")
class SavedFilterDetail(PanelView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PATCH": permissions.MANAGE,
        "DELETE": permissions.MANAGE,
    }

    @blp.response(200, PanelFilterReadSchema)
    def get(self, filter_uuid):
        return _saved(filters.get_saved_filter(filter_uuid))

    @blp.arguments(PanelFilterUpdateSchema)
    @blp.errors(FILTER_INVALID, NAME_TAKEN)
    @blp.response(200, PanelFilterReadSchema)
    def patch(self, data, filter_uuid):
        return _saved(filters.change_filter(filters.get_saved_filter(filter_uuid), data))

    @blp.response(204)
    def delete(self, filter_uuid):
        filters.remove_filter(filters.get_saved_filter(filter_uuid))
