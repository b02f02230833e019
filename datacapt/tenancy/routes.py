"""GET /api/tenant/ (public: a login page shows it) and the tenant's settings."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.views import ApiView
from datacapt.permissions.registry import TENANT_SETTINGS_ACCESS, TENANT_SETTINGS_EDIT
from datacapt.tenancy.branding import tenant_branding
from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.schemas import TenantReadSchema, TenantSettingsSchema
from datacapt.tenancy.services import get_tenant_settings, update_tenant_settings

blp = Blueprint("tenant", __name__, url_prefix="/api/tenant", description="The current tenant")


@blp.route("/")
class CurrentTenant(ApiView):
    PUBLIC = True

    @blp.response(200, TenantReadSchema)
    def get(self):
        """The tenant served at this host, as its frontend shows it: brand name, logo,
        colours, time zone and languages."""
        settings = get_tenant_settings()
        branding = tenant_branding()
        return {
            "uuid": current_tenant().uuid,
            "name": branding.name,
            "logo_url": branding.logo_url,
            "primary_color": branding.primary_color,
            "secondary_color": branding.secondary_color,
            "time_zone": settings.time_zone,
            "default_language": settings.default_language,
            "languages": settings.languages,
        }


@blp.route("/settings")
class TenantSettings(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": TENANT_SETTINGS_ACCESS, "PATCH": TENANT_SETTINGS_EDIT}

    @blp.response(200, TenantSettingsSchema)
    def get(self):
        """Time zone, languages, session and lockout policy, browser origins, branding
        and retention."""
        return get_tenant_settings()

    @blp.arguments(TenantSettingsSchema)
    @blp.response(200, TenantSettingsSchema)
    def patch(self, data):
        """Change some settings (audited, before and after); refused whole with `fields`."""
        return update_tenant_settings(data)
