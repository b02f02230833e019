"""What one operation of the API promises: the headers it reads, its credentials, the
permission it needs, its success answers and the error answers it can give.

``ApiView.operation`` derives it from the view (its permissions registry, its study, what
its methods declare); the documenting Blueprint writes it into the OpenAPI description,
and in tests (``datacapt.api.contract``) every request is held to it.
"""

from __future__ import annotations

import http
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from datacapt.api.headers import Header

# Blueprints served without a tenant: liveness probes, the API description, and the
# operator API (which names the tenant it acts on in its URL).
TENANT_EXEMPT_BLUEPRINTS = frozenset({"health", "api-docs", "operator"})

# The error answers each operation lists (the others fall under its "default" answer:
# 405, 413, 415, 500, 503, which any endpoint may give).
LISTED_ERRORS = frozenset({400, 401, 403, 404, 409, 410, 412, 422, 428, 429})

# The security schemes of the core: "bearer" or "api_key" for the tenant's API, "operator"
# for the operator API. A module declares its own on its Blueprint.
CORE_SECURITY_SCHEMES: Mapping[str, Mapping[str, Any]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token of POST /api/auth/login.",
    },
    "api_key": {"type": "apiKey", "in": "header", "name": "Api-Key"},
    "operator": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token of POST /api/operator/login.",
    },
    "sms_provider": {
        "type": "http",
        "scheme": "bearer",
        "description": "The secret of SMS_URL, shared with the SMS provider.",
    },
}
DEFAULT_SECURITY = ("bearer", "api_key")
# app.extensions key: {endpoint: {method: Operation}} of every documented view.
OPERATIONS_EXTENSION = "datacapt.api.operations"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

MALFORMED = (
    "The request is malformed: text with refused characters, unknown query parameters, a "
    "body that is not JSON or nests too deep (MALFORMED_REQUEST, CHARACTERS_REFUSED, "
    "UNKNOWN_PARAMETERS, JSON_TOO_DEEP)."
)
NO_TENANT = (
    "No tenant is served at this host (TENANT_NOT_FOUND, TENANT_ARCHIVED), or the module "
    "of the endpoint is not enabled for it (MODULE_NOT_ENABLED)."
)
NOTHING_THERE = "Nothing answers to what the path names (OBJECT_NOT_FOUND, ...)."
UNAUTHENTICATED = (
    "No valid credential: no Authorization or Api-Key header, or one that is unknown, "
    "revoked or expired (AUTHENTICATION_REQUIRED, INVALID_TOKEN, SESSION_EXPIRED, "
    "INVALID_API_KEY)."
)
CREDENTIAL_REFUSED = "The credential is missing or not valid."
PERMISSION_DENIED = "The caller lacks the permission (PERMISSION_DENIED, details.permission)."
INVALID_INPUT = (
    "The body or the query parameters did not validate; fields names each "
    "(VALIDATION_FAILED, CHARACTERS_REFUSED)."
)


def generic_reason(status: int) -> str:
    """What a declared error answer says when the view gives no reason of its own."""
    return f"{http.HTTPStatus(status).phrase}: error.internal_name says why (docs/api.md)."


def credential_header(scheme: Mapping[str, Any]) -> str:
    """The request header a security scheme's credential travels in."""
    return scheme["name"] if scheme.get("type") == "apiKey" else "Authorization"


@dataclass
class Errors:
    """Error answers by status, each with the reasons it is given for."""

    reasons: dict[int, list[str]] = field(default_factory=dict)

    def add(self, status: int, reason: str) -> None:
        if status not in LISTED_ERRORS:
            raise ValueError(f"{status} is not an error answer operations list")
        listed = self.reasons.setdefault(status, [])
        if reason not in listed:
            listed.append(reason)

    def add_all(self, reasons: Mapping[int, str]) -> None:
        for status, reason in reasons.items():
            self.add(status, reason)


@dataclass(frozen=True)
class Operation:
    """One method of one endpoint, as the API description states it."""

    headers: tuple[Header, ...]
    errors: Mapping[int, tuple[str, ...]]
    successes: frozenset[int]
    # Security scheme names, any one of which authenticates; () for none.
    security: tuple[str, ...]
    # The request headers the credentials travel in.
    credentials: frozenset[str]
    # The permission checked before the view runs (None: none, or the view checks).
    permission: str | None
    # Who may call it, in a sentence of the operation's description.
    access: str

    def reads(self, name: str) -> bool:
        """Whether the operation declares reading the header ``name``."""
        lowered = name.lower()
        return lowered in self.credentials or any(h.name.lower() == lowered for h in self.headers)


def success_statuses(apidoc: Mapping[str, Any]) -> frozenset[int]:
    """The 2xx answers a view method documents (``@blp.response``)."""
    statuses = apidoc.get("response", {}).get("responses", {})
    return frozenset(int(s) for s in statuses if 200 <= int(s) < 300)


def ordered_headers(headers: Iterable[Header]) -> tuple[Header, ...]:
    """Each header once, in the order first given."""
    return tuple(dict.fromkeys(headers))
