"""Per-tenant gating: a disabled plugin's routes answer 404 and its jobs do not run."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.plugins.services import enabled_in_transaction, enabled_plugins, plugin_set
from datacapt.tenancy.context import TenantRef, current_tenant

_BLUEPRINT_OWNERS_KEY = "datacapt.plugin_blueprints"


def module_not_enabled(name: str) -> DatacaptException:
    return DatacaptException(
        ErrorCode.NOT_FOUND,
        InternalCodes.MODULE_NOT_ENABLED,
        Message("The module '{name}' is not enabled for this customer", name=name),
    )


def init_route_gating(app: Flask, blueprint_owners: dict[str, str]) -> None:
    """After tenant resolution, refuse requests to blueprints of plugins the tenant lacks."""
    app.extensions[_BLUEPRINT_OWNERS_KEY] = blueprint_owners

    @app.before_request
    def refuse_disabled_module() -> None:
        owner = blueprint_owners.get(_requested_blueprint(app) or "")
        if owner is not None and owner not in enabled_in_transaction(current_tenant().id):
            raise module_not_enabled(owner)


def _requested_blueprint(app: Flask) -> str | None:
    """The blueprint of the URL, also when the method is wrong (a 405 would reveal it)."""
    if request.blueprint or not isinstance(request.routing_exception, MethodNotAllowed):
        return request.blueprint
    allowed = request.routing_exception.valid_methods or ()
    adapter = app.url_map.bind_to_environ(request.environ)
    endpoint, _args = adapter.match(method=next(iter(allowed), "GET"))
    return endpoint.rpartition(".")[0] or None


def ensure_job_allowed(tenant: TenantRef, path: str) -> None:
    """Refuse a plugin's job in a tenant that does not have the plugin enabled."""
    owner = plugin_set().owner_of_job(path)
    if owner is not None and owner not in enabled_plugins(tenant.id):
        raise module_not_enabled(owner)
