"""GET /api/audit-trails/ (cursor pages) and GET /api/audit-trails/export (CSV).

Any authenticated caller may ask; what they get is limited to the studies, centers and
tenant records they may read (datacapt.audit.access), 403 when that is nothing.
"""

from __future__ import annotations

from flask import Response, stream_with_context

from datacapt.api.blueprint import Blueprint
from datacapt.api.views import ApiView
from datacapt.audit import services
from datacapt.audit.access import reader_for
from datacapt.audit.schemas import AuditPageReadSchema, AuditPageSearchSchema, AuditSearchSchema
from datacapt.identity.principal import current_principal
from datacapt.permissions.mixin import AUTHENTICATED
from datacapt.permissions.registry import AUDIT_TRAILS_ACCESS, AUDIT_TRAILS_EXPORT
from datacapt.tenancy.context import current_tenant

# What the reader refuses (datacapt.audit.access).
NOTHING_READABLE = {
    403: "The caller may read none of it (PERMISSION_DENIED), or the study filter names a "
    "study they are not in (USER_DOES_NOT_BELONG_TO_STUDY)."
}

blp = Blueprint("audit_trails", __name__, url_prefix="/api/audit-trails", description="Audit trail")


@blp.route("/")
class AuditTrail(ApiView):
    REQUIRES_STUDY = False
    # audit_trails.access, checked per study and for the tenant's records by the reader.
    permissions_registry = {"GET": AUTHENTICATED}

    @blp.arguments(AuditPageSearchSchema, location="query")
    @blp.errors(NOTHING_READABLE)
    @blp.response(200, AuditPageReadSchema)
    def get(self, filters):
        """Audit records in order, filtered; pass `next_cursor` as `after` for the next page."""
        after, limit = filters.pop("after", None), filters.pop("limit")
        reader = reader_for(current_principal(), AUDIT_TRAILS_ACCESS)
        return services.page(filters, reader, after, limit)


@blp.route("/export")
class AuditTrailExport(ApiView):
    REQUIRES_STUDY = False
    # audit_trails.export, checked per study and for the tenant's records by the reader.
    permissions_registry = {"GET": AUTHENTICATED}

    @blp.arguments(AuditSearchSchema, location="query")
    @blp.errors(NOTHING_READABLE)
    @blp.response(200, {"type": "string"}, content_type="text/csv", description="CSV, streamed")
    def get(self, filters):
        """The same filter as a CSV file, streamed."""
        reader = reader_for(current_principal(), AUDIT_TRAILS_EXPORT)
        return Response(
            stream_with_context(services.export(filters, reader, current_tenant())),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit-trail.csv"},
        )
