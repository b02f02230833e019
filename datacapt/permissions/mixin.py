"""PermissionsRegistryMixin: every API view says which permission each method needs.

Views derive from ``datacapt.api.views.ApiView``, which adds this to MethodView:

    class KitTypes(ApiView):
        REQUIRES_STUDY = True            # default: the Study-Uuid header names the study
        permissions_registry = {"default": KITS_EDIT, "GET": KITS_ACCESS}

Before the method runs: the caller is authenticated (bearer session or API key, else 401);
with REQUIRES_STUDY the study is resolved and the caller must belong to it (else 403
USER_DOES_NOT_BELONG_TO_STUDY) and the permission is checked against the study role;
without, against the platform role (else 403). A view may name a custom ``action`` whose
registry entry takes precedence over the method's. ``PUBLIC = True`` views skip all of it:
they are listed in docs/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask import g, request

from datacapt.apikeys.services import resolve_api_key
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity.principal import API_KEY_HEADER, Principal
from datacapt.identity.sessions import resolve_session
from datacapt.studies.context import enter_study, enter_study_with_session

# A registry value meaning "any authenticated caller".
AUTHENTICATED = "authenticated"


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticate() -> Principal:
    """The request's principal (cached on ``g``); 401 when it carries no valid credential."""
    if "principal" in g:
        return g.principal
    token = _bearer_token()
    api_key = request.headers.get(API_KEY_HEADER)
    if token:
        principal = resolve_session(token)
    elif api_key:
        principal = resolve_api_key(api_key.strip())
    else:
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            InternalCodes.AUTHENTICATION_REQUIRED,
            Message("Authentication is required"),
        )
    g.principal = principal
    return principal


class PermissionsRegistryMixin:
    permissions_registry: ClassVar[Mapping[str, str]] = {}
    REQUIRES_STUDY: ClassVar[bool] = True
    # The URL argument naming the study, for views like /api/studies/<study_uuid>.
    STUDY_URL_ARGUMENT: ClassVar[str | None] = None
    PUBLIC: ClassVar[bool] = False
    action: ClassVar[str | None] = None

    @classmethod
    def required_permission(cls, method: str) -> str | None:
        registry = cls.permissions_registry
        if cls.action and cls.action in registry:
            return registry[cls.action]
        return registry.get(method, registry.get("default"))

    def dispatch_request(self, *args: Any, **kwargs: Any) -> Any:
        if not self.PUBLIC:
            self.check_access(kwargs)
        return super().dispatch_request(*args, **kwargs)  # type: ignore[misc]

    def check_access(self, view_args: Mapping[str, Any]) -> None:
        method = request.method
        needed = self.required_permission(method)
        if needed is None:
            raise RuntimeError(f"{type(self).__name__} has no permission for {method}")
        if self.REQUIRES_STUDY:
            study_id = view_args.get(self.STUDY_URL_ARGUMENT) if self.STUDY_URL_ARGUMENT else None
            token = _bearer_token()
            request_globals = g._get_current_object()  # one lookup
            if token and "principal" not in request_globals:
                # One round trip for the session and the study, the common case.
                request_globals.principal, granted = enter_study_with_session(token, study_id)
            else:
                granted = enter_study(authenticate(), study_id)
        else:
            granted = authenticate().platform_permissions
        if needed != AUTHENTICATED and needed not in granted:
            raise DatacaptException(
                ErrorCode.FORBIDDEN,
                InternalCodes.PERMISSION_DENIED,
                Message("You are not allowed to do this"),
                details={"permission": needed},
            )
