"""The OpenAPI description says what each view enforces, and requests are held to it."""

from __future__ import annotations

import flask_smorest
import marshmallow as ma
import pytest
from flask import request
from flask.views import MethodView

from datacapt.api.blueprint import Blueprint
from datacapt.api.contract import take_breaches
from datacapt.api.headers import Header
from datacapt.api.views import ApiView
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.testing.api_contract import description_problems
from datacapt.testing.pytest_plugin import tenant_host

SIGNATURE = Header("Probe-Signature", "A header of the probe's own")


class ProbeSchema(ma.Schema):
    seen = ma.fields.String(allow_none=True)


def probe_blueprint() -> Blueprint:
    """Views that keep or break their description (a new one per app)."""
    blp = Blueprint("probe", __name__, url_prefix="/api/probe")

    class Probe(ApiView):
        PUBLIC = True

    @blp.route("/undeclared-header")
    class UndeclaredHeader(Probe):
        @blp.response(200, ProbeSchema)
        def get(self):
            return {"seen": request.headers.get(SIGNATURE.name)}

    @blp.route("/declared-header")
    class DeclaredHeader(Probe):
        @blp.reads_headers(SIGNATURE)
        @blp.response(200, ProbeSchema)
        def get(self):
            return {"seen": request.headers.get(SIGNATURE.name)}

    @blp.route("/undeclared-conflict")
    class Conflict(Probe):
        @blp.response(200, ProbeSchema)
        def get(self):
            raise DatacaptException(ErrorCode.CONFLICT, InternalCodes.CONFLICT)

    @blp.route("/declared-conflict")
    class DeclaredConflict(Probe):
        @blp.errors(409)
        @blp.response(200, ProbeSchema)
        def get(self):
            raise DatacaptException(ErrorCode.CONFLICT, InternalCodes.CONFLICT)

    @blp.route("/created")
    class Created(Probe):
        @blp.response(200, ProbeSchema)
        def post(self):
            return {"seen": None}, 201

    @blp.route("/bare")
    class Bare(Probe):
        @blp.response(200)
        def get(self):
            return {"seen": None}

    return blp


def plain_blueprint() -> flask_smorest.Blueprint:
    """flask-smorest's own Blueprint, which describes nothing of the platform's."""
    blp = flask_smorest.Blueprint("plain", __name__, url_prefix="/api/plain")

    @blp.route("/")
    class Plain(MethodView):
        @blp.response(200, ProbeSchema)
        def get(self):
            return {"seen": None}

    return blp


@pytest.fixture
def probed(app, app_with_plugins, tenant):
    """An app serving the probe and the plain blueprints, and a client of ``tenant``."""
    built = app_with_plugins()
    api = built.extensions["datacapt.api"]
    api.register_blueprint(probe_blueprint())
    api.register_blueprint(plain_blueprint())
    return built, built.test_client().for_host(tenant_host(app, tenant))


@pytest.mark.requirement("P11-11.10k")
def test_the_description_of_every_operation_of_every_module_is_complete(app_with_plugins):
    product = app_with_plugins()  # the core and every installed plugin
    assert description_problems(product) == []


def test_what_a_description_lacks_is_named(probed):
    built, _client = probed
    problems = description_problems(built)
    assert "GET /api/probe/bare: its 200 answer has no schema" in problems
    assert "/api/plain/: not an ApiView of datacapt.api.blueprint.Blueprint" in problems
    assert not [p for p in problems if "/api/probe/declared-header" in p]


def test_a_header_read_without_being_declared_is_caught(probed):
    _built, client = probed
    answer = client.get("/api/probe/undeclared-header", headers={SIGNATURE.name: "s"})
    assert answer.status_code == 200 and answer.json == {"seen": "s"}
    assert take_breaches() == [
        "GET /api/probe/undeclared-header read the header Probe-Signature, which its "
        "description does not declare"
    ]
    assert client.get("/api/probe/declared-header", headers={SIGNATURE.name: "s"}).json == {
        "seen": "s"
    }
    assert take_breaches() == []


def test_an_answer_the_description_does_not_list_is_caught(probed):
    _built, client = probed
    assert client.get("/api/probe/undeclared-conflict").status_code == 409
    assert client.post("/api/probe/created").status_code == 201
    assert take_breaches() == [
        "GET /api/probe/undeclared-conflict answered 409 (CONFLICT), which its description "
        "does not list",
        "POST /api/probe/created answered 201, which its description does not list",
    ]
    assert client.get("/api/probe/declared-conflict").status_code == 409
    assert take_breaches() == []


def test_an_endpoint_the_api_blueprint_does_not_describe_is_caught(probed):
    _built, client = probed
    assert client.get("/api/plain/").status_code == 200
    assert take_breaches() == ["GET /api/plain/ has no description: use the API Blueprint"]


def test_the_api_blueprint_takes_api_views_only():
    blp = Blueprint("refusing", __name__, url_prefix="/api/refusing")
    with pytest.raises(TypeError, match=r"derive from datacapt\.api\.views\.ApiView"):

        @blp.route("/")
        class Plain(MethodView):
            def get(self):
                return {}


def test_a_view_without_a_permission_for_a_method_fails_at_start_up():
    blp = Blueprint("unguarded", __name__, url_prefix="/api/unguarded")
    with pytest.raises(TypeError, match="Unguarded has no permission for POST"):

        @blp.route("/")
        class Unguarded(ApiView):
            REQUIRES_STUDY = False
            permissions_registry = {"GET": "studies.access"}

            def post(self):
                return {}


@pytest.fixture(scope="module")
def spec(app):
    return app.extensions["datacapt.api"].spec.to_dict()


def parameters(operation: dict) -> dict[str, dict]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}


def test_a_study_operation_needs_the_study_header_and_says_its_permission(spec):
    subjects = spec["paths"]["/api/subjects/"]["get"]
    assert parameters(subjects)["Study-Uuid"]["required"] is True
    assert {"400", "401", "403", "404"} <= set(subjects["responses"])
    assert subjects["x-permission"] == "subjects.access"
    assert "Needs `subjects.access` in the caller's role in the study." in subjects["description"]
    assert "security" not in subjects  # a session or an API key, as the whole API
    # The study of /api/studies/<uuid> comes from its URL.
    study = spec["paths"]["/api/studies/{study_uuid}"]["get"]
    assert "Study-Uuid" not in parameters(study)
    assert {"403", "404"} <= set(study["responses"])
    # A tenant-wide operation checks the platform role.
    users = spec["paths"]["/api/users/"]["get"]
    assert "Study-Uuid" not in parameters(users)
    assert "in the caller's platform role" in users["description"]


def test_public_operations_say_they_need_no_credential(spec):
    login = spec["paths"]["/api/auth/login"]["post"]
    assert login["security"] == []
    assert {"401", "429"} <= set(login["responses"])
    questionnaire = spec["paths"]["/api/epro/public/questionnaire"]["get"]
    assert questionnaire["security"] == []
    assert parameters(questionnaire)["Qr-Code"]["required"] is True
    assert {"401", "410", "429"} <= set(questionnaire["responses"])
    reports = spec["paths"]["/api/epro/public/delivery-reports"]["post"]
    assert reports["security"] == [{"sms_provider": []}]
    assert spec["components"]["securitySchemes"]["sms_provider"]["scheme"] == "bearer"
    operator = spec["paths"]["/api/operator/tenants/{schema_name}/plugins/"]["get"]
    assert operator["security"] == [{"operator": []}]


def test_versioned_saves_declare_if_match_and_its_answers(spec):
    for path in (
        "/api/ecrf/",
        "/api/ecrf/subjects/{subject_uuid}/sections/{section_uuid}",
        "/api/epro/questionnaires/{questionnaire_uuid}",
    ):
        save = spec["paths"][path]["put"]
        assert parameters(save)["If-Match"]["required"] is True, path
        assert {"400", "412", "428"} <= set(save["responses"]), path
        assert "If-Match" not in parameters(spec["paths"][path]["get"]), path


def test_changes_take_a_reason_and_every_operation_a_language(spec):
    reopen = spec["paths"]["/api/subjects/{subject_uuid}/reopen"]["post"]
    assert parameters(reopen)["Reason-For-Change"]["required"] is False
    assert "REASON_FOR_CHANGE_REQUIRED" in reopen["responses"]["422"]["description"]
    assert "Reason-For-Change" not in parameters(spec["paths"]["/api/subjects/"]["get"])
    everywhere = [
        operation
        for operations in spec["paths"].values()
        for method, operation in operations.items()
        if method != "parameters"
    ]
    assert everywhere and all("Language" in parameters(o) for o in everywhere)


def test_error_answers_carry_the_envelope(spec):
    denied = spec["paths"]["/api/roles/"]["post"]["responses"]["403"]
    assert denied["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    assert "GRANT_BEYOND_OWN" in denied["description"]
    assert "PERMISSION_DENIED" in denied["description"]


def test_data_entry_progress_and_dashboard_answer_their_schemas(spec):
    def schema(path: str, method: str = "get") -> dict:
        answer = spec["paths"][path][method]["responses"]["200"]
        return answer["content"]["application/json"]["schema"]

    section = "/api/ecrf/subjects/{subject_uuid}/sections/{section_uuid}"
    assert schema(section) == schema(section, "put")
    read = spec["components"]["schemas"][schema(section)["$ref"].rpartition("/")[2]]
    assert {"subject", "section", "version", "subsections", "queries", "progress"} <= set(
        read["properties"]
    )
    progress = schema("/api/ecrf/subjects/{subject_uuid}/progress")["$ref"]
    assert progress.endswith("/SubjectSectionsProgressRead")
    assert schema("/api/ecrf/dashboard")["$ref"].endswith("/DashboardRead")
