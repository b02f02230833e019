"""Randomizing the study's subjects (Study-Uuid header), their assignments, voiding a
mistaken one, and emergency unblindings. A blinded caller sees the randomization number
(and treatment code), never the arm."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.randomizations import permissions, randomize, services, unblinding
from plugins.randomizations.schemas import (
    AssignmentReadSchema,
    AssignmentSearchSchema,
    PasswordSchema,
    RandomizeSchema,
    RefusalSchema,
    UnblindingReadSchema,
    UnblindingWriteSchema,
)
from plugins.subjects.api import get_subject

VOIDED = {409: "The assignment was voided (ASSIGNMENT_VOIDED)."}
REFUSED = {409: "The unblinding cannot go this way; the message says why (UNBLINDING_REFUSED)."}
WRONG_PASSWORD = {422: "The password is wrong (WRONG_PASSWORD)."}

blp = Blueprint(
    "randomizations",
    __name__,
    url_prefix="/api/randomizations",
    description="Randomization: assignments and emergency unblinding",
)


@blp.route("/subjects/<uuid:subject_uuid>/randomize")
class Randomize(ApiView):
    permissions_registry = {"POST": permissions.RANDOMIZE}

    @blp.arguments(RandomizeSchema)
    @blp.errors(
        {409: "The subject is not included (SUBJECT_NOT_INCLUDED)."},
        {409: "The subject has an assignment of the design already (SUBJECT_ALREADY_RANDOMIZED)."},
        {409: "No version randomizes in the environment (DESIGN_NOT_LIVE)."},
        {409: "An answer is in none of the design's levels (STRATUM_LEVEL_UNKNOWN)."},
        {409: "The subject's stratum has no slot left (RANDOMIZATION_LIST_EXHAUSTED)."},
        {409: "The double-blind list's key lacks the slot's code (DESIGN_NOT_READY)."},
        {
            422: "Answers the strata are read from are missing; details.questions"
            " (STRATA_ANSWERS_MISSING)."
        },
    )
    @blp.response(201, AssignmentReadSchema)
    def post(self, data, subject_uuid):
        """Randomize an included subject: the strata are read from their center and eCRF
        answers; the answer is final."""
        study = current_study()
        design = services.get_design(study, data["design"])
        participation = get_subject(study, subject_uuid)
        return randomize.randomize(study, participation, design, data["environment"])


@blp.route("/assignments/")
class Assignments(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(AssignmentSearchSchema, location="query")
    @blp.response(200, AssignmentReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's assignments at the caller's centers, newest first; filters: design,
        environment, subject."""
        return paginate(randomize.list_assignments(current_study(), filters), pagination_parameters)


@blp.route("/assignments/<uuid:assignment_uuid>")
class AssignmentDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, AssignmentReadSchema)
    def get(self, assignment_uuid):
        return randomize.get_assignment(current_study(), assignment_uuid)


@blp.route("/assignments/<uuid:assignment_uuid>/void")
class AssignmentVoid(ApiView):
    permissions_registry = {"POST": permissions.CORRECT}

    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(VOIDED)
    @blp.response(200, AssignmentReadSchema)
    def post(self, assignment_uuid):
        """Void a mistaken assignment (the Reason-For-Change header says why): it stays,
        its slot stays taken, and the subject may be randomized again."""
        study = current_study()
        return randomize.void(study, randomize.get_assignment(study, assignment_uuid))


@blp.route("/assignments/<uuid:assignment_uuid>/unblindings")
class AssignmentUnblindings(ApiView):
    permissions_registry = {"POST": permissions.UNBLIND}

    @blp.arguments(UnblindingWriteSchema)
    @blp.errors(VOIDED, REFUSED, WRONG_PASSWORD)
    @blp.response(201, UnblindingReadSchema)
    def post(self, data, assignment_uuid):
        """Emergency unblinding of the subject (a reason, the password again): revealed to
        the caller at once, or once a second person approves where the study asks for it."""
        study = current_study()
        assignment = randomize.get_assignment(study, assignment_uuid)
        return unblinding.request(study, assignment, data["reason"], data["password"])


@blp.route("/unblindings/")
class Unblindings(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, UnblindingReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's emergency unblindings at the caller's centers, newest first."""
        return paginate(unblinding.list_unblindings(current_study()), pagination_parameters)


@blp.route("/unblindings/<uuid:unblinding_uuid>")
class UnblindingDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, UnblindingReadSchema)
    def get(self, unblinding_uuid):
        """One unblinding; once revealed, its requester reads the arm here."""
        return unblinding.get_unblinding(current_study(), unblinding_uuid)


@blp.route("/unblindings/<uuid:unblinding_uuid>/approve")
class UnblindingApproval(ApiView):
    permissions_registry = {"POST": permissions.APPROVE_UNBLINDING}

    @blp.arguments(PasswordSchema)
    @blp.errors(REFUSED, WRONG_PASSWORD)
    @blp.response(200, UnblindingReadSchema)
    def post(self, data, unblinding_uuid):
        """A second person approves (the password again): the arm is revealed to the
        requester."""
        study = current_study()
        found = unblinding.get_unblinding(study, unblinding_uuid)
        return unblinding.approve(study, found, data["password"])


@blp.route("/unblindings/<uuid:unblinding_uuid>/refuse")
class UnblindingRefusal(ApiView):
    permissions_registry = {"POST": permissions.APPROVE_UNBLINDING}

    @blp.arguments(RefusalSchema)
    @blp.errors(REFUSED)
    @blp.response(200, UnblindingReadSchema)
    def post(self, data, unblinding_uuid):
        study = current_study()
        found = unblinding.get_unblinding(study, unblinding_uuid)
        return unblinding.refuse(study, found, data["reason"])
