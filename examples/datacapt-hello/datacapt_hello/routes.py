"""Hello endpoints: answered only for tenants that enabled the plugin."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView

from datacapt_hello import permissions, services
from datacapt_hello.schemas import HelloRecordReadSchema, HelloRecordWriteSchema

blp = Blueprint("hello", __name__, url_prefix="/api/hello", description="Hello")


@blp.route("/records/")
class HelloRecords(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.ADD}

    @blp.response(200, HelloRecordReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The tenant\'s records."""
        return paginate(services.list_records(), pagination_parameters)

    @blp.arguments(HelloRecordWriteSchema)
    @blp.response(201, HelloRecordReadSchema)
    def post(self, data):
        """Add a record (its text defaults to the tenant's default_text setting)."""
        return services.add_record(data.get("text"))
