"""ePRO endpoints. Staff, in the study named by the Study-Uuid header: questionnaires, a
subject's occurrences and delivery log, resend, cancel, correction, compliance. Subjects,
without a login: the questionnaire their link's token (the Qr-Code header) opens."""

from __future__ import annotations

from flask import request

from datacapt.toolkit import (
    ETAG_HEADER,
    IF_MATCH,
    ApiView,
    Blueprint,
    DeliveryReportSchema,
    Header,
    check_provider_signature,
    current_study,
    paginate,
)
from plugins.epro import answers, compliance, delivery, occurrences, permissions, public, services
from plugins.epro.models import Questionnaire
from plugins.epro.schemas import (
    AnswersCorrectionSchema,
    AnswersWriteSchema,
    CancelSchema,
    ComplianceSchema,
    FilledQuestionnaireSchema,
    LoggedMessageReadSchema,
    MessageReadSchema,
    MessageSearchSchema,
    OccurrenceReadSchema,
    OccurrenceSearchSchema,
    QuestionnaireReadSchema,
    QuestionnaireWriteSchema,
    SubjectLinkSchema,
    SubmitSchema,
)
from plugins.subjects.api import get_subject

CODE_TAKEN = {409: "Another questionnaire of the study has this code (CONFLICT)."}
INVALID_FORM = {
    422: "The form has problems; details.problems lists them (EPRO_QUESTIONNAIRE_INVALID)."
}
NOT_OPEN = {409: "The occurrence is not open, or not sent, for this (EPRO_OCCURRENCE_CLOSED)."}
SUBMITTED = {409: "The questionnaire was submitted: it is read-only (EPRO_ALREADY_SUBMITTED)."}

blp = Blueprint(
    "epro", __name__, url_prefix="/api/epro", description="ePRO: questionnaires for subjects"
)
public_blp = Blueprint(
    "epro_public",
    __name__,
    url_prefix="/api/epro/public",
    description="ePRO for subjects: the questionnaire a link opens (token in Qr-Code)",
)


def _with_etag(
    questionnaire: Questionnaire, status: int = 200
) -> tuple[Questionnaire, int, dict[str, str]]:
    return questionnaire, status, {"ETag": services.questionnaire_etag(questionnaire)}


@blp.route("/questionnaires/")
class Questionnaires(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.EDIT}

    @blp.response(200, QuestionnaireReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(services.list_questionnaires(current_study()), pagination_parameters)

    @blp.arguments(QuestionnaireWriteSchema)
    @blp.errors(CODE_TAKEN, INVALID_FORM)
    @blp.response(201, QuestionnaireReadSchema, headers=ETAG_HEADER)
    def post(self, data):
        """A questionnaire (a form of the engine, see docs/forms.md) with its channels,
        schedule and reminders; included subjects get their occurrences at once (from
        the first day that had not closed yet)."""
        return _with_etag(services.create_questionnaire(current_study(), data), 201)


@blp.route("/questionnaires/<uuid:questionnaire_uuid>")
class QuestionnaireDetail(ApiView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PUT": permissions.EDIT,
        "DELETE": permissions.EDIT,
    }

    @blp.response(200, QuestionnaireReadSchema, headers=ETAG_HEADER)
    def get(self, questionnaire_uuid):
        """The questionnaire (the ETag header is the version to send back in If-Match)."""
        return _with_etag(services.get_questionnaire(current_study(), questionnaire_uuid))

    @blp.errors({409: "Subjects answered it (QUESTIONNAIRE_HAS_ANSWERS)."})
    @blp.response(204)
    def delete(self, questionnaire_uuid):
        """Delete one that no subject answered, with its planned occurrences; one with
        answers is kept (`409 QUESTIONNAIRE_HAS_ANSWERS`): make it inactive instead."""
        services.delete_questionnaire(
            services.get_questionnaire(current_study(), questionnaire_uuid)
        )

    @blp.arguments(QuestionnaireWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        CODE_TAKEN,
        INVALID_FORM,
        {409: "It would remove or retype questions subjects answered (EPRO_CHANGE_REFUSED)."},
    )
    @blp.response(200, QuestionnaireReadSchema, headers=ETAG_HEADER)
    def put(self, data, questionnaire_uuid):
        """Replace it whole, based on the version read (If-Match); occurrences not sent yet
        follow the new schedule, and `active: false` cancels the open ones."""
        study = current_study()
        return _with_etag(
            services.update_questionnaire(
                study, services.get_questionnaire(study, questionnaire_uuid), data
            )
        )


@blp.route("/subjects/<uuid:subject_uuid>/occurrences")
class SubjectOccurrences(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, OccurrenceReadSchema(many=True))
    @blp.paginate()
    def get(self, subject_uuid, pagination_parameters):
        """The subject's occurrences with every message sent about them and its delivery
        state (failed ones with their reason)."""
        study = current_study()
        return paginate(
            occurrences.subject_occurrences(get_subject(study, subject_uuid)),
            pagination_parameters,
        )


@blp.route("/occurrences/")
class Occurrences(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(OccurrenceSearchSchema, location="query")
    @blp.response(200, OccurrenceReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's occurrences, most recently opened first; `status=expired` lists the
        missed ones."""
        return paginate(
            occurrences.list_occurrences(current_study(), **filters), pagination_parameters
        )


@blp.route("/occurrences/<uuid:occurrence_uuid>")
class OccurrenceDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, OccurrenceReadSchema)
    def get(self, occurrence_uuid):
        return occurrences.get_occurrence(current_study(), occurrence_uuid)


@blp.route("/occurrences/<uuid:occurrence_uuid>/answers")
class OccurrenceAnswers(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.CORRECT_ANSWERS}

    @blp.response(200, FilledQuestionnaireSchema)
    def get(self, occurrence_uuid):
        """The questionnaire as the subject filled it in (read-only for staff)."""
        occurrence = occurrences.get_occurrence(current_study(), occurrence_uuid)
        return answers.view(occurrence, answers.state_of(occurrence))

    @blp.arguments(AnswersCorrectionSchema)
    @blp.errors(NOT_OPEN)
    @blp.response(200, FilledQuestionnaireSchema)
    def put(self, data, occurrence_uuid):
        """Correct submitted answers: needs a reason (the Reason-For-Change header or
        `reason_for_change`); audited."""
        occurrence = occurrences.get_occurrence(current_study(), occurrence_uuid)
        return answers.correct(occurrence, data["answers"])


@blp.route("/occurrences/<uuid:occurrence_uuid>/resend")
class OccurrenceResend(ApiView):
    permissions_registry = {"POST": permissions.SEND_MESSAGES}

    @blp.errors(NOT_OPEN)
    @blp.response(202, MessageReadSchema(many=True))
    def post(self, occurrence_uuid):
        """Send the invitation again now (a staff decision: quiet hours do not hold it
        back), with the same link, on every channel."""
        return delivery.resend(occurrences.get_occurrence(current_study(), occurrence_uuid))


@blp.route("/occurrences/<uuid:occurrence_uuid>/link")
class OccurrenceLink(ApiView):
    permissions_registry = {"POST": permissions.SEND_MESSAGES}

    @blp.errors(NOT_OPEN)
    @blp.response(200, SubjectLinkSchema)
    def post(self, occurrence_uuid):
        """The subject's link, to show as a QR code so they answer at the site (an
        occurrence due but not sent yet is sent by this); audited."""
        return delivery.hand_out_link(occurrences.get_occurrence(current_study(), occurrence_uuid))


@blp.route("/occurrences/<uuid:occurrence_uuid>/cancel")
class OccurrenceCancel(ApiView):
    permissions_registry = {"POST": permissions.SEND_MESSAGES}

    @blp.arguments(CancelSchema)
    @blp.errors(NOT_OPEN)
    @blp.response(200, OccurrenceReadSchema)
    def post(self, data, occurrence_uuid):
        """Cancel an open occurrence, saying why: nothing more is sent, its link dies."""
        occurrence = occurrences.get_occurrence(current_study(), occurrence_uuid)
        return occurrences.cancel(occurrence, data["reason"])


@blp.route("/messages/")
class Messages(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(MessageSearchSchema, location="query")
    @blp.response(200, LoggedMessageReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's delivery log, newest first; `status=failed` lists what did not
        reach its subject."""
        return paginate(
            compliance.messages(current_study(), filters.get("status"), filters.get("channel")),
            pagination_parameters,
        )


@blp.route("/compliance")
class Compliance(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ComplianceSchema)
    def get(self):
        """Per questionnaire: completed on time, late, missed, open, upcoming, cancelled,
        and failed deliveries."""
        return compliance.compliance(current_study())


# The subject's token, from their link or a QR code shown at the site.
QR_CODE = Header(
    public.TOKEN_HEADER,
    "The token of the subject's questionnaire link",
    required=True,
    errors={
        401: "The link opens nothing (EPRO_LINK_INVALID).",
        410: "The questionnaire closed, expired or was cancelled (EPRO_LINK_EXPIRED).",
        429: "Too many links that opened nothing from this address (EPRO_TOO_MANY_ATTEMPTS).",
    },
)


@public_blp.route("/questionnaire")
class SubjectQuestionnaire(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(QR_CODE)
    @public_blp.response(200, FilledQuestionnaireSchema)
    def get(self):
        """The questionnaire the token opens, with the answers saved so far."""
        return public.read(request.headers.get(public.TOKEN_HEADER))

    @public_blp.reads_headers(QR_CODE)
    @public_blp.arguments(AnswersWriteSchema)
    @public_blp.errors(SUBMITTED)
    @public_blp.response(200, FilledQuestionnaireSchema)
    def put(self, data):
        """Save progress (some answers); the subject can come back to it."""
        return public.save(request.headers.get(public.TOKEN_HEADER), data["answers"])


@public_blp.route("/delivery-reports")
class DeliveryReports(ApiView):
    PUBLIC = True  # the SMS provider signs with the secret of SMS_URL instead
    SECURITY = ("sms_provider",)

    @public_blp.arguments(DeliveryReportSchema)
    @public_blp.response(200, MessageReadSchema)
    def post(self, data):
        """The SMS provider reports on a message it accepted (`Authorization: Bearer` with
        the secret of SMS_URL): `failed` or `bounced` marks it bounced, with the reason."""
        check_provider_signature(request.headers.get("Authorization"))
        return delivery.record_delivery_report(data["id"], data["status"], data.get("error"))


@public_blp.route("/questionnaire/submit")
class SubjectQuestionnaireSubmit(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(QR_CODE)
    @public_blp.arguments(SubmitSchema)
    @public_blp.errors(
        SUBMITTED,
        {422: "Required questions are unanswered; fields names them (EPRO_ANSWERS_INCOMPLETE)."},
    )
    @public_blp.response(200, FilledQuestionnaireSchema)
    def post(self, data):
        """Submit (with any last answers): every required question answered; read-only
        afterwards."""
        return public.submit(request.headers.get(public.TOKEN_HEADER), data["answers"])
