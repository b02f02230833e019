"""The flask-smorest Api: OpenAPI 3.1 at /api/openapi.json, interactive docs at /api/docs."""

from __future__ import annotations

import uuid

import flask
import flask_smorest
from flask import Flask, Response, g, request
from flask.sessions import SessionInterface, SessionMixin

from datacapt.api.contract import init_contract_checks
from datacapt.api.docs import register_docs_ui
from datacapt.api.errors import register_error_handlers
from datacapt.api.inputs import init_input_checks
from datacapt.api.operations import CORE_SECURITY_SCHEMES, DEFAULT_SECURITY
from datacapt.api.pagination import register_pagination_header
from datacapt.api.schemas import ErrorEnvelopeSchema
from datacapt.version import __version__

REQUEST_ID_HEADER = "X-Request-Id"

API_CONFIG = {
    "API_TITLE": "Datacapt API",
    "API_VERSION": __version__,
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
}


class NoCookieSession(SessionInterface):
    """No cookie session: ``flask.session`` is Flask's null session, which refuses writes."""

    def open_session(self, app: Flask, request: flask.Request) -> SessionMixin:
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        pass


class DatacaptApi(flask_smorest.Api):
    """flask-smorest's Api with the platform's error envelope instead of its own."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def _register_error_handlers(self) -> None:
        register_error_handlers(self._app)

    def _register_pagination_header(self) -> None:
        register_pagination_header(self.spec)

    def _register_swagger_ui_rule(self, blueprint: flask.Blueprint) -> None:
        # Served from the installed Swagger UI, never from a CDN (datacapt.api.docs).
        path = self.config.get("OPENAPI_SWAGGER_UI_PATH")
        if path is not None:
            register_docs_ui(blueprint, "/" + path.lstrip("/"), self.spec.title)


def _valid_request_id(value: str | None) -> str | None:
    if value and len(value) <= 64 and value.replace("-", "").isalnum():
        return value
    return None


def init_api(app: Flask) -> DatacaptApi:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    # The API keeps no cookie session (callers send a bearer token or an API key): Flask's
    # signed-cookie session would only be opened and checked on every request for nothing.
    app.session_interface = NoCookieSession()

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = _valid_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response

    init_input_checks(app)
    api = DatacaptApi(app)
    # Declared so that the interactive docs offer "Authorize" with each credential; an
    # operation names its own where it takes neither a session nor an API key.
    for name, scheme in CORE_SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, dict(scheme))
    api.spec.options["security"] = [{name: []} for name in DEFAULT_SECURITY]
    app.extensions["datacapt.api"] = api
    init_contract_checks(app)
    return api
