"""Hello endpoints: answered only for tenants that enabled the plugin, each in the study
of the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate

from datacapt_hello import permissions, services
from datacapt_hello.schemas import (
    GreetingReadSchema,
    GreetingSentSchema,
    HelloRecordChangeSchema,
    HelloRecordReadSchema,
    HelloRecordWriteSchema,
)

blp = Blueprint("hello", __name__, url_prefix="/api/hello", description="Hello")


@blp.route("/records/")
class HelloRecords(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.ADD}

    @blp.response(200, HelloRecordReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's records."""
        return paginate(services.records(), pagination_parameters)

    @blp.arguments(HelloRecordWriteSchema)
    @blp.response(201, HelloRecordReadSchema)
    def post(self, data):
        """Add a record to the study (its text defaults to the tenant's default_text setting)."""
        return services.add_record(current_study(), data.get("text"))


@blp.route("/records/<uuid:record_uuid>")
class HelloRecordDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.ADD}

    @blp.response(200, HelloRecordReadSchema)
    def get(self, record_uuid):
        """One record of the study."""
        return services.get_record(record_uuid)

    @blp.arguments(HelloRecordChangeSchema)
    @blp.response(200, HelloRecordReadSchema)
    def patch(self, data, record_uuid):
        """Change a record's text (audited, as its creation was)."""
        return services.change_record(services.get_record(record_uuid), data["text"])


@blp.route("/greeting")
class Greeting(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, GreetingReadSchema)
    def get(self):
        """A welcome to the study, in the Language asked for."""
        return {"text": services.greeting(current_study())}


@blp.route("/greeting/send")
class GreetingSend(ApiView):
    permissions_registry = {"POST": permissions.ACCESS}

    @blp.response(202, GreetingSentSchema)
    def post(self):
        """Email the welcome to the caller, in their language (the greeting template)."""
        return services.send_greeting(current_study())
