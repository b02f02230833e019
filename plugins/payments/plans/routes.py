"""Payment plans of the study named by the Study-Uuid header, and their versions: drafts
edited, approved (then immutable), new versions."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import ETAG_HEADER, IF_MATCH, ApiView, Blueprint, current_study, paginate
from plugins.payments import permissions
from plugins.payments.plans import services
from plugins.payments.plans.models import PaymentPlan, PlanVersion
from plugins.payments.plans.schemas import (
    PaymentPlanReadSchema,
    PaymentPlanUpdateSchema,
    PaymentPlanWriteSchema,
    PlanApprovalSchema,
    PlanVersionReadSchema,
    PlanVersionWriteSchema,
)

INVALID_TERMS = {422: "The terms have problems, each under its field (PLAN_TERMS_INVALID)."}
NOT_DRAFT = {409: "The version is approved: it no longer changes (PLAN_VERSION_NOT_DRAFT)."}

blp = Blueprint(
    "payment_plans",
    __name__,
    url_prefix="/api/payments/plans",
    description="Payments: plans and their versions",
)


def _plan(plan_uuid: Any) -> PaymentPlan:
    return services.get_plan(current_study(), plan_uuid)


def _version(plan_uuid: Any, number: int) -> PlanVersion:
    return services.get_version(_plan(plan_uuid), number)


def _with_etag(version: PlanVersion, status: int = 200) -> tuple[PlanVersion, int, dict]:
    return version, status, {"ETag": services.version_etag(version)}


@blp.route("/")
class Plans(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE_PLANS}

    @blp.response(200, PaymentPlanReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's payment plans, with their versions."""
        return paginate(services.list_plans(current_study()), pagination_parameters)

    @blp.arguments(PaymentPlanWriteSchema)
    @blp.errors({409: "Another plan of the study has this code (CONFLICT)."}, INVALID_TERMS)
    @blp.response(201, PaymentPlanReadSchema)
    def post(self, data):
        """A plan with its first version, a draft."""
        return services.create_plan(current_study(), data)


@blp.route("/<uuid:plan_uuid>")
class PlanDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE_PLANS}

    @blp.response(200, PaymentPlanReadSchema)
    def get(self, plan_uuid):
        return _plan(plan_uuid)

    @blp.arguments(PaymentPlanUpdateSchema)
    @blp.response(200, PaymentPlanReadSchema)
    def patch(self, data, plan_uuid):
        """Rename the plan (its code stays)."""
        return services.rename_plan(_plan(plan_uuid), data["name"])


@blp.route("/<uuid:plan_uuid>/versions/")
class Versions(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_PLANS}

    @blp.arguments(PlanVersionWriteSchema)
    @blp.errors(
        {409: "A draft version exists: change it (DRAFT_PLAN_VERSION_EXISTS)."}, INVALID_TERMS
    )
    @blp.response(201, PlanVersionReadSchema, headers=ETAG_HEADER)
    def post(self, data, plan_uuid):
        """The plan's next version, a draft, once the newest one is approved."""
        return _with_etag(services.new_version(current_study(), _plan(plan_uuid), data), 201)


@blp.route("/<uuid:plan_uuid>/versions/<int:number>")
class VersionDetail(ApiView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PUT": permissions.MANAGE_PLANS,
        "DELETE": permissions.MANAGE_PLANS,
    }

    @blp.response(200, PlanVersionReadSchema, headers=ETAG_HEADER)
    def get(self, plan_uuid, number):
        """The version (its ETag: the revision to send back in If-Match)."""
        return _with_etag(_version(plan_uuid, number))

    @blp.arguments(PlanVersionWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(NOT_DRAFT, INVALID_TERMS)
    @blp.response(200, PlanVersionReadSchema, headers=ETAG_HEADER)
    def put(self, data, plan_uuid, number):
        """Replace a draft's kind, currency and terms whole, based on the revision read
        (If-Match)."""
        version = _version(plan_uuid, number)
        return _with_etag(services.save_version(current_study(), version, data))

    @blp.errors(NOT_DRAFT)
    @blp.response(204)
    def delete(self, plan_uuid, number):
        """Drop a draft version (the plan with it when it is the first)."""
        services.delete_version(_version(plan_uuid, number))


@blp.route("/<uuid:plan_uuid>/versions/<int:number>/approval")
class VersionApproval(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_PLANS}

    @blp.arguments(PlanApprovalSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(NOT_DRAFT)
    @blp.response(200, PlanVersionReadSchema, headers=ETAG_HEADER)
    def post(self, data, plan_uuid, number):
        """Record the draft's approval (reference and date) of the revision read
        (If-Match): it never changes again, and what happens from now on is paid under
        it."""
        return _with_etag(services.approve_version(_version(plan_uuid, number), data))
