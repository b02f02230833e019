"""ApiView: the base of every API view, stating once what it enforces.

    @blp.route("/kits/")
    class Kits(ApiView):
        permissions_registry = {"default": KITS_EDIT, "GET": KITS_ACCESS}

A view says which permission each method needs (``permissions_registry``), whether it
works in a study (``REQUIRES_STUDY``, default True: the ``Study-Uuid`` header names it, or
the URL argument ``STUDY_URL_ARGUMENT``), or that it is ``PUBLIC``; ``SECURITY`` names
other credentials (security schemes) where it takes neither a session nor an API key. The
permission is checked before the method runs (``PermissionsRegistryMixin``), and
``operation`` states all of it, with what the methods declare, for the API description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask.views import MethodView

from datacapt.api.headers import LANGUAGE, REASON_FOR_CHANGE, STUDY_UUID, Header
from datacapt.api.operations import (
    CREDENTIAL_REFUSED,
    DEFAULT_SECURITY,
    INVALID_INPUT,
    MALFORMED,
    NO_TENANT,
    NOTHING_THERE,
    PERMISSION_DENIED,
    UNAUTHENTICATED,
    WRITE_METHODS,
    Errors,
    Operation,
    credential_header,
    ordered_headers,
    success_statuses,
)
from datacapt.permissions.mixin import AUTHENTICATED, PermissionsRegistryMixin

# Where ``@blp.reads_headers`` and ``@blp.errors`` leave their declarations in a method's
# ``_apidoc`` (flask-smorest's documentation store, kept by its decorators).
HEADERS_KEY = "datacapt_headers"
ERRORS_KEY = "datacapt_errors"


class ApiView(PermissionsRegistryMixin, MethodView):
    """The base of every API view: its access, checked and described (module docstring)."""

    # Security scheme names, any one of which authenticates. None: a session or an API
    # key, or nothing for a PUBLIC view; a PUBLIC view naming some checks them itself.
    SECURITY: ClassVar[tuple[str, ...] | None] = None

    @classmethod
    def security(cls) -> tuple[str, ...]:
        if cls.SECURITY is not None:
            return cls.SECURITY
        return () if cls.PUBLIC else DEFAULT_SECURITY

    @classmethod
    def access(cls, method: str, errors: Errors) -> tuple[str | None, str, tuple[Header, ...]]:
        """The permission ``method`` needs, who may call it (a sentence), and the headers
        its access check reads; adds the errors the check can give."""
        if cls.PUBLIC:
            schemes = cls.security()
            if schemes:  # checked by the view itself
                errors.add(401, CREDENTIAL_REFUSED)
                return None, f"Needs the credential of {' or '.join(schemes)}.", ()
            return None, "Public: needs no credential.", ()
        errors.add(401, UNAUTHENTICATED)
        needed = cls.required_permission(method)
        if needed is None:
            raise TypeError(f"{cls.__name__} has no permission for {method}")
        headers: tuple[Header, ...] = ()
        if cls.REQUIRES_STUDY:
            if cls.STUDY_URL_ARGUMENT:
                errors.add_all({k: v for k, v in STUDY_UUID.errors.items() if k != 400})
            else:
                headers = (STUDY_UUID,)
        if needed == AUTHENTICATED:
            return needed, "Any authenticated caller.", headers
        errors.add(403, PERMISSION_DENIED)
        scope = "role in the study" if cls.REQUIRES_STUDY else "platform role"
        return needed, f"Needs `{needed}` in the caller's {scope}.", headers

    @classmethod
    def operation(
        cls,
        method: str,
        apidoc: Mapping[str, Any],
        *,
        tenant_scoped: bool,
        path_parameters: bool,
        schemes: Mapping[str, Mapping[str, Any]],
    ) -> Operation:
        """What ``method`` promises, from the view and what the method declares in
        ``apidoc``; ``schemes`` are the security schemes known by name."""
        errors = Errors()
        errors.add(400, MALFORMED)
        if tenant_scoped:
            errors.add(404, NO_TENANT)
        if path_parameters:
            errors.add(404, NOTHING_THERE)
        permission, access, access_headers = cls.access(method, errors)
        if apidoc.get("arguments"):
            errors.add(422, INVALID_INPUT)
        headers = ordered_headers(
            (
                *access_headers,
                *apidoc.get(HEADERS_KEY, ()),
                # Every change of audited data keeps the reason given (the operator API
                # changes no tenant's data of its own).
                *((REASON_FOR_CHANGE,) if tenant_scoped and method in WRITE_METHODS else ()),
                LANGUAGE,
            )
        )
        for header in headers:
            errors.add_all(header.errors)
        for status, reason in apidoc.get(ERRORS_KEY, ()):
            errors.add(status, reason)
        security = cls.security()
        return Operation(
            headers=headers,
            errors={status: tuple(reasons) for status, reasons in sorted(errors.reasons.items())},
            successes=success_statuses(apidoc),
            security=security,
            credentials=frozenset(credential_header(schemes[name]).lower() for name in security),
            permission=permission,
            access=access,
        )
