"""GET /api/tenant/: who the current host belongs to (public: a login page shows it)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.schemas import TenantReadSchema
from datacapt.tenancy.services import get_tenant_settings

blp = Blueprint("tenant", __name__, url_prefix="/api/tenant", description="The current tenant")


@blp.route("/")
class CurrentTenant(MethodView):
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
