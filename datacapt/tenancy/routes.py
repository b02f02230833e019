"""GET /api/tenant/ (public: a login page shows it) and the tenant's settings."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.views import ApiView
from datacapt.permissions.registry import TENANT_SETTINGS_ACCESS, TENANT_SETTINGS_EDIT
from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.schemas import TenantReadSchema, TenantSettingsSchema
from datacapt.tenancy.services import get_tenant_settings, update_tenant_settings

blp = Blueprint("tenant", __name__, url_prefix="/api/tenant", description="The current tenant")


@blp.route("/")
class CurrentTenant(ApiView):
    PUBLIC = True

    @blp.response(200, TenantReadSchema)
    def get(self):
        """The tenant served at this host, with its public settings."""
        tenant = current_tenant()
        settings = get_tenant_settings()
        return {
            "uuid": tenant.uuid,
            "name": tenant.name,
            "time_zone": settings.time_zone,
            "default_language": settings.default_language,
        }


@blp.route("/settings")
class TenantSettings(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": TENANT_SETTINGS_ACCESS, "PATCH": TENANT_SETTINGS_EDIT}

    @blp.response(200, TenantSettingsSchema)
    def get(self):
        """Time zone, language, session timeouts and lockout policy."""
        return get_tenant_settings()

    @blp.arguments(TenantSettingsSchema)
    @blp.response(200, TenantSettingsSchema)
    def patch(self, data):
        return update_tenant_settings(data)
