"""The allocation configuration of the study named by the Study-Uuid header: which kit
type each arm of a randomization design receives at each visit."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.allocation import permissions
from plugins.allocation.configuration import services
from plugins.allocation.configuration.schemas import (
    RuleReadSchema,
    RuleUpdateSchema,
    RuleWriteSchema,
)

blp = Blueprint(
    "allocation_configuration",
    __name__,
    url_prefix="/api/allocation/configuration",
    description="Kit allocation: the kit type of each arm and visit",
)

BAD_RULE = {
    422: "No such design, arm, visit or kit type in the study (ALLOCATION_RULE_INVALID).",
}
BLINDED = {403: "The caller does not see the arms (CONFIGURATION_BLINDED)."}


@blp.route("/")
class Rules(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS, "POST": permissions.MANAGE_KITS}

    @blp.response(200, RuleReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The configuration's rules (arms and kit types for the unblinded)."""
        return paginate(services.list_rules(current_study()), pagination_parameters)

    @blp.arguments(RuleWriteSchema)
    @blp.errors(
        {
            409: "The study has no randomization design, or the design no approved version"
            " (NO_RANDOMIZATION_DESIGN); the arm has a kit type at the visit already"
            " (ALLOCATION_RULE_INVALID)."
        },
        BAD_RULE,
        BLINDED,
    )
    @blp.response(201, RuleReadSchema)
    def post(self, data):
        """Map an arm of a randomization design and a visit to a kit type (and a number of
        kits): checked against the design's approved or live version."""
        return services.create_rule(current_study(), data)


@blp.route("/<uuid:rule_uuid>")
class RuleDetail(ApiView):
    permissions_registry = {"GET": permissions.KITS_ACCESS, "PATCH": permissions.MANAGE_KITS}

    @blp.response(200, RuleReadSchema)
    def get(self, rule_uuid):
        return services.get_rule(current_study(), rule_uuid)

    @blp.arguments(RuleUpdateSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(BAD_RULE, BLINDED)
    @blp.response(200, RuleReadSchema)
    def patch(self, data, rule_uuid):
        """Another kit type or number of kits, with a reason; kits given stay given."""
        study = current_study()
        return services.update_rule(study, services.get_rule(study, rule_uuid), data)
