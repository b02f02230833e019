"""Cross-origin requests from browser frontends (flask-cors).

The origins allowed are the deployment's (``DATACAPT_CORS_ORIGINS``) plus those of the
tenant the request's host names (its ``cors_origins`` setting), so they are resolved per
request: flask-cors computes the headers from them (its extension takes origins fixed at
start-up only). A preflight is answered before tenant resolution and authentication, which
a browser never sends credentials to.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from flask_cors.core import get_cors_options, set_cors_headers

from datacapt.database import after_commit
from datacapt.errors import DatacaptException
from datacapt.tenancy.context import current_tenant_or_none, tenant_context
from datacapt.tenancy.hosts import MISSING, HostCache
from datacapt.tenancy.services import get_tenant_settings, tenant_for_host
from datacapt.tenancy.signals import tenant_settings_changed

# What a frontend may read besides the simple response headers.
EXPOSE_HEADERS = ("ETag", "X-Pagination", "X-Request-Id", "Retry-After")
# What a frontend may send besides the simple request headers.
ALLOW_HEADERS = (
    "Authorization",
    "Api-Key",
    "Study-Uuid",
    "If-Match",
    "Reason-For-Change",
    "Language",
    "Qr-Code",
    "Content-Type",
    "X-Request-Id",
)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
PREFLIGHT_MAX_AGE_SECONDS = 600
_EXTENSION_KEY = "datacapt.cors"


def _options(origins: list[str]) -> Any:
    return get_cors_options(
        None,
        {
            "origins": origins,
            "expose_headers": list(EXPOSE_HEADERS),
            "allow_headers": list(ALLOW_HEADERS),
            "methods": list(METHODS),
            "max_age": PREFLIGHT_MAX_AGE_SECONDS,
            "supports_credentials": False,
            "vary_header": True,
        },
    )


def _is_preflight() -> bool:
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def _tenant_origins(app: Flask) -> tuple[str, ...]:
    """The cors_origins setting of the request's tenant; none for an unknown host."""
    tenant = current_tenant_or_none()
    if tenant is None:
        try:
            tenant = tenant_for_host(request.host)
        except DatacaptException:
            return ()
    cache: HostCache[tuple[str, ...]] = app.extensions[_EXTENSION_KEY]
    origins = cache.get(tenant.schema_name)
    if origins is MISSING:
        # A session of its own: the request's may be failing, or not exist (a preflight).
        with tenant_context(tenant):
            origins = tuple(get_tenant_settings().cors_origins or ())
        cache.put(tenant.schema_name, origins)
    return origins


@tenant_settings_changed.connect
def _forget_tenant_origins(_settings: Any, changed: set[str]) -> None:
    """This process reads a tenant's new origins once they are committed, others within
    the cache's time."""
    if "cors_origins" in changed and _EXTENSION_KEY in current_app.extensions:
        after_commit(current_app.extensions[_EXTENSION_KEY].clear)


def init_cors(
    app: Flask, deployment_origins: tuple[str, ...], cache_seconds: float, cache_size: int
) -> None:
    """Register before tenant resolution, so that preflights skip it."""
    app.extensions[_EXTENSION_KEY] = HostCache[tuple[str, ...]](cache_seconds, cache_size)

    @app.before_request
    def answer_preflight() -> Response | None:
        if _is_preflight() and request.path.startswith("/api/") and request.url_rule:
            return app.make_default_options_response()
        return None

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        if "Origin" not in request.headers or not request.path.startswith("/api/"):
            return response
        response.vary.add("Origin")
        origins = [*deployment_origins, *_tenant_origins(app)]
        if origins:
            set_cors_headers(response, _options(origins))
        return response
