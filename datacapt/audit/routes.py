"""GET /api/audit-trails/ (cursor pages) and GET /api/audit-trails/export (CSV)."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from datacapt.audit import services
from datacapt.audit.schemas import AuditPageReadSchema, AuditPageSearchSchema, AuditSearchSchema
from datacapt.permissions.mixin import PermissionsRegistryMixin
from datacapt.permissions.registry import AUDIT_TRAILS_ACCESS, AUDIT_TRAILS_EXPORT
from datacapt.tenancy.context import current_tenant

blp = Blueprint("audit_trails", __name__, url_prefix="/api/audit-trails", description="Audit trail")


@blp.route("/")
class AuditTrail(PermissionsRegistryMixin, MethodView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": AUDIT_TRAILS_ACCESS}

    @blp.arguments(AuditPageSearchSchema, location="query")
    @blp.response(200, AuditPageReadSchema)
    def get(self, filters):
        """Audit records in order, filtered; pass `next_cursor` as `after` for the next page."""
        after, limit = filters.pop("after", None), filters.pop("limit")
        return services.page(filters, after, limit)


@blp.route("/export")
class AuditTrailExport(PermissionsRegistryMixin, MethodView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": AUDIT_TRAILS_EXPORT}

    @blp.arguments(AuditSearchSchema, location="query")
    @blp.response(200, description="CSV, streamed")
    def get(self, filters):
        """The same filter as a CSV file, streamed."""
        return Response(
            stream_with_context(services.csv_lines(filters, current_tenant())),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit-trail.csv"},
        )
