"""The customer's logo and its modules' settings at /api/tenant/, and the customer settings
of any tenant in the operator API."""

from __future__ import annotations

from flask import request, send_file

from datacapt.api.headers import REASON_FOR_CHANGE
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.customer.schemas import LogoQuerySchema, ModuleSettingsReadSchema
from datacapt.customer.services import (
    current_module_settings,
    logo_file,
    module_settings,
    operator_in_tenant,
    remove_logo,
    settings_values,
    store_logo,
)
from datacapt.operators.blueprint import OperatorView, operator_blp
from datacapt.permissions.registry import TENANT_SETTINGS_ACCESS, TENANT_SETTINGS_EDIT
from datacapt.tenancy.routes import blp
from datacapt.tenancy.schemas import OperatorTenantSettingsSchema, TenantSettingsSchema
from datacapt.tenancy.services import get_tenant_settings, update_tenant_settings

LOGO_REFUSED = {
    422: "The upload is missing, not a PNG or JPEG, larger than 512 KiB, or its content "
    "does not match its type (FILE_REFUSED)."
}
TENANT_ARCHIVED = {409: "The tenant is archived (TENANT_ARCHIVED)."}
IMAGE = {"type": "string", "format": "binary"}


@blp.route("/logo")
class TenantLogo(ApiView):
    PUBLIC = True

    @blp.arguments(LogoQuerySchema, location="query")
    @blp.response(200, IMAGE, content_type="image/png", description="The logo (PNG or JPEG)")
    def get(self, _query):
        """The customer's logo, for its frontend and messages (no login); whatever `v`
        says, the current one."""
        path, media_type = logo_file()
        return send_file(path, mimetype=media_type, max_age=3600)


@blp.route("/settings/logo")
class TenantSettingsLogo(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"PUT": TENANT_SETTINGS_EDIT, "DELETE": TENANT_SETTINGS_EDIT}

    @blp.errors(LOGO_REFUSED)
    @blp.response(200, TenantSettingsSchema)
    def put(self):
        """Upload the logo (multipart field `file`), replacing the current one."""
        return store_logo(request.files.get("file"))

    @blp.response(200, TenantSettingsSchema)
    def delete(self):
        """Remove the logo: the frontend and messages show none."""
        return remove_logo()


@blp.route("/settings/modules")
class TenantModuleSettings(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": TENANT_SETTINGS_ACCESS}

    @blp.response(200, ModuleSettingsReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Each enabled module's settings in this tenant with their schema (operators
        change them)."""
        return paginate(current_module_settings(), pagination_parameters)


@operator_blp.route("/tenants/<schema_name>/settings")
class OperatorTenantSettings(OperatorView):
    @operator_blp.response(200, OperatorTenantSettingsSchema)
    def get(self, schema_name: str):
        """The tenant's customer settings."""
        with operator_in_tenant(schema_name, writing=False):
            return settings_values(get_tenant_settings())

    @operator_blp.arguments(OperatorTenantSettingsSchema)
    @operator_blp.reads_headers(REASON_FOR_CHANGE)
    @operator_blp.errors(TENANT_ARCHIVED)
    @operator_blp.response(200, OperatorTenantSettingsSchema)
    def patch(self, data, schema_name: str):
        """Change some settings, the domains it sends emails from too (audited)."""
        with operator_in_tenant(schema_name, writing=True):
            return settings_values(update_tenant_settings(data))


@operator_blp.route("/tenants/<schema_name>/settings/logo")
class OperatorTenantLogo(OperatorView):
    @operator_blp.reads_headers(REASON_FOR_CHANGE)
    @operator_blp.errors(LOGO_REFUSED, TENANT_ARCHIVED)
    @operator_blp.response(200, OperatorTenantSettingsSchema)
    def put(self, schema_name: str):
        """Upload the tenant's logo (multipart field `file`)."""
        with operator_in_tenant(schema_name, writing=True):
            return settings_values(store_logo(request.files.get("file")))

    @operator_blp.reads_headers(REASON_FOR_CHANGE)
    @operator_blp.errors(TENANT_ARCHIVED)
    @operator_blp.response(200, OperatorTenantSettingsSchema)
    def delete(self, schema_name: str):
        """Remove the tenant's logo."""
        with operator_in_tenant(schema_name, writing=True):
            return settings_values(remove_logo())


@operator_blp.route("/tenants/<schema_name>/settings/modules")
class OperatorModuleSettings(OperatorView):
    @operator_blp.response(200, ModuleSettingsReadSchema(many=True))
    @operator_blp.paginate()
    def get(self, schema_name: str, pagination_parameters):
        """Each module the tenant enabled with its settings and their schema."""
        with operator_in_tenant(schema_name, writing=False) as tenant:
            return paginate(module_settings(tenant), pagination_parameters)
