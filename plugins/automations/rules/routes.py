"""Automation rules of the study named by the Study-Uuid header: saved (each change a new
version), their versions, and a dry run on a subject."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.automations import permissions
from plugins.automations.rules import services
from plugins.automations.rules.schemas import (
    AutomationDryRunReadSchema,
    AutomationDryRunWriteSchema,
    AutomationRuleReadSchema,
    AutomationRuleVersionReadSchema,
    AutomationRuleWriteSchema,
)
from plugins.automations.runs.services import dry_run
from plugins.subjects.api import get_subject

REFUSED = {
    422: "The trigger or an action is wrong, under its field (RULE_INVALID), needs a module"
    " the tenant lacks (RULE_PLUGIN_MISSING) or can fire the rule's own trigger (RULE_LOOP)."
}

blp = Blueprint(
    "automation_rules",
    __name__,
    url_prefix="/api/automations/rules",
    description="Automations: rules, their versions, dry runs",
)


@blp.route("/")
class Rules(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE_RULES}

    @blp.response(200, AutomationRuleReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's rules, with their current version."""
        return paginate(services.list_rules(current_study()), pagination_parameters)

    @blp.arguments(AutomationRuleWriteSchema)
    @blp.errors(REFUSED)
    @blp.response(201, AutomationRuleReadSchema)
    def post(self, data):
        """A rule, its first version checked when saved."""
        return services.create_rule(current_study(), data)


@blp.route("/<uuid:rule_uuid>")
class RuleDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.MANAGE_RULES}

    @blp.response(200, AutomationRuleReadSchema)
    def get(self, rule_uuid):
        return services.get_rule(current_study(), rule_uuid)

    @blp.arguments(AutomationRuleWriteSchema)
    @blp.errors(REFUSED)
    @blp.response(200, AutomationRuleReadSchema)
    def put(self, data, rule_uuid):
        """Change the rule: a new version when its name, trigger or actions differ (runs
        keep naming the version they ran); ``active`` switches it on or off."""
        study = current_study()
        return services.change_rule(study, services.get_rule(study, rule_uuid), data)


@blp.route("/<uuid:rule_uuid>/versions/")
class RuleVersions(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, AutomationRuleVersionReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, rule_uuid):
        """Every version of the rule, the first first."""
        rule = services.get_rule(current_study(), rule_uuid)
        return paginate(rule.versions, pagination_parameters)


@blp.route("/<uuid:rule_uuid>/dry-run")
class DryRun(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_RULES}

    @blp.arguments(AutomationDryRunWriteSchema)
    @blp.response(200, AutomationDryRunReadSchema)
    def post(self, data, rule_uuid):
        """What the rule's current version would do for the subject now: whether its
        trigger holds and each action's effect. Nothing is sent, created or recorded."""
        study = current_study()
        rule = services.get_rule(study, rule_uuid)
        return dry_run(study, rule, get_subject(study, data["subject"]))
