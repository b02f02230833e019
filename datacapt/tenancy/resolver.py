"""Each request runs inside the tenant its Host header names."""

from __future__ import annotations

from contextlib import ExitStack

from flask import Flask, g, request

from datacapt.tenancy.context import tenant_context
from datacapt.tenancy.services import tenant_for_host

# Blueprints served without a tenant: liveness probes, the API description, and the
# operator API (which names the tenant it acts on in its URL).
TENANT_EXEMPT_BLUEPRINTS = frozenset({"health", "api-docs", "operator"})


def init_tenant_resolution(app: Flask) -> None:
    @app.before_request
    def enter_request_tenant() -> None:
        if request.blueprint in TENANT_EXEMPT_BLUEPRINTS:
            return
        tenant = tenant_for_host(request.host)
        stack = ExitStack()
        stack.enter_context(tenant_context(tenant))
        g.datacapt_tenant_scope = stack

    @app.teardown_request
    def leave_request_tenant(_exc: BaseException | None) -> None:
        # Closing the scope closes the tenant session: anything uncommitted is rolled back.
        stack: ExitStack | None = g.pop("datacapt_tenant_scope", None)
        if stack is not None:
            stack.close()
