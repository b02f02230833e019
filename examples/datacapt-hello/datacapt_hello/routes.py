"""Hello endpoints: answered only for tenants that enabled the plugin."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate

from datacapt_hello import permissions, services
from datacapt_hello.schemas import GreetingReadSchema, HelloRecordReadSchema, HelloRecordWriteSchema

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


@blp.route("/greeting")
class Greeting(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, GreetingReadSchema)
    def get(self):
        """A welcome to the study of the Study-Uuid header, in the Language asked for."""
        return {"text": services.greeting(current_study())}
