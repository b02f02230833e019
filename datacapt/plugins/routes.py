"""GET /api/plugins/ for the current tenant, a module's settings in the current study;
operator endpoints to toggle any tenant's modules and change their settings."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.operators.auth import operator_actor
from datacapt.operators.blueprint import OperatorView, operator_blp
from datacapt.permissions.mixin import AUTHENTICATED
from datacapt.permissions.registry import STUDIES_ACCESS, STUDIES_EDIT
from datacapt.plugins.schemas import (
    PluginSettingsSchema,
    PluginStateReadSchema,
    PluginToggleWriteSchema,
    StudySettingsWriteSchema,
    ToggleResultReadSchema,
)
from datacapt.plugins.services import (
    disable_plugin,
    enable_plugin,
    get_settings,
    plugin_states,
    shown_settings,
    update_settings,
)
from datacapt.plugins.study_settings import get_study_settings, update_study_settings
from datacapt.studies.context import current_study
from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.services import get_tenant

# A module of an archived tenant does not change.
TENANT_ARCHIVED = {409: "The tenant is archived (TENANT_ARCHIVED)."}

blp = Blueprint("plugins", __name__, url_prefix="/api/plugins", description="Modules")


@blp.route("/")
class TenantPlugins(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": AUTHENTICATED}

    @blp.response(200, PluginStateReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Every installed module and whether this customer has it enabled."""
        return paginate(plugin_states(current_tenant().id), pagination_parameters)


@blp.route("/<name>/study-settings")
class PluginStudySettings(ApiView):
    # A module's settings in a study are part of the study's set-up.
    permissions_registry = {"GET": STUDIES_ACCESS, "PATCH": STUDIES_EDIT}

    @blp.response(200, PluginSettingsSchema)
    def get(self, name: str):
        """An enabled module's settings in the study (Study-Uuid), defaults included."""
        return get_study_settings(name, current_study())

    @blp.arguments(StudySettingsWriteSchema)
    @blp.response(200, PluginSettingsSchema)
    def patch(self, data, name: str):
        """Change some of a module's settings in the study; the module's study settings
        schema validates the result. Past draft, the change needs a reason."""
        data.pop("reason_for_change", None)
        return update_study_settings(name, current_study(), data)


@operator_blp.route("/tenants/<schema_name>/plugins/")
class OperatorTenantPlugins(OperatorView):
    @operator_blp.response(200, PluginStateReadSchema(many=True))
    @operator_blp.paginate()
    def get(self, schema_name: str, pagination_parameters):
        """Every installed module and its state in the tenant."""
        return paginate(plugin_states(get_tenant(schema_name).id), pagination_parameters)


@operator_blp.route("/tenants/<schema_name>/plugins/<name>/enable")
class OperatorEnablePlugin(OperatorView):
    @operator_blp.arguments(PluginToggleWriteSchema)
    @operator_blp.errors(
        {409: "Modules it requires are not enabled (PLUGIN_REQUIREMENTS_NOT_ENABLED)."},
        TENANT_ARCHIVED,
    )
    @operator_blp.response(200, ToggleResultReadSchema)
    def post(self, data, schema_name: str, name: str):
        """Enable a module (migrating its tables); with_deps enables what it requires."""
        return enable_plugin(schema_name, name, operator_actor(), with_deps=data["with_deps"])


@operator_blp.route("/tenants/<schema_name>/plugins/<name>/disable")
class OperatorDisablePlugin(OperatorView):
    @operator_blp.errors(
        {409: "An enabled module requires it (PLUGIN_REQUIRED_BY_ENABLED)."}, TENANT_ARCHIVED
    )
    @operator_blp.response(200, ToggleResultReadSchema)
    def post(self, schema_name: str, name: str):
        """Disable a module; its data is kept. Refused while an enabled module needs it."""
        return disable_plugin(schema_name, name, operator_actor())


@operator_blp.route("/tenants/<schema_name>/plugins/<name>/settings")
class OperatorPluginSettings(OperatorView):
    @operator_blp.response(200, PluginSettingsSchema)
    def get(self, schema_name: str, name: str):
        """The module's settings in the tenant, defaults included (secrets masked)."""
        return shown_settings(name, get_settings(schema_name, name))

    @operator_blp.arguments(PluginSettingsSchema)
    @operator_blp.errors(TENANT_ARCHIVED)
    @operator_blp.response(200, PluginSettingsSchema)
    def patch(self, data, schema_name: str, name: str):
        """Change some settings; the module's settings schema validates the result."""
        return update_settings(schema_name, name, data, operator_actor())
