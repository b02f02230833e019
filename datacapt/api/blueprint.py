"""The Blueprint of every API module: it documents what its views enforce.

Each route takes an ``ApiView`` (datacapt.api.views). For each method the Blueprint
writes into the OpenAPI operation what ``ApiView.operation`` states: the header
parameters (``Study-Uuid`` where the view works in the study of the header, those the
method declares with ``@blp.reads_headers``, ``Reason-For-Change`` on changes,
``Language``), the error answers with the error envelope's schema and their reasons (those
of the access check, of each header, of input validation, and those the method declares
with ``@blp.errors``), ``security`` where it differs from a session or an API key
(``[]`` on public operations), and the permission (``x-permission`` and a sentence of the
description). Lists are paginated with ``@blp.paginate()`` (datacapt.api.pagination).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask

from datacapt.api.headers import Header
from datacapt.api.operations import (
    CORE_SECURITY_SCHEMES,
    DEFAULT_SECURITY,
    OPERATIONS_EXTENSION,
    TENANT_EXEMPT_BLUEPRINTS,
    Operation,
    generic_reason,
)
from datacapt.api.pagination import PaginatedBlueprint
from datacapt.api.schemas import ErrorEnvelopeSchema
from datacapt.api.views import ERRORS_KEY, HEADERS_KEY, ApiView
from datacapt.permissions.mixin import AUTHENTICATED

F = TypeVar("F", bound=Callable[..., Any])
_OPERATION_KEY = "datacapt_operation"


def _declare(func: F, key: str, merge: Callable[[Any], Any], empty: Any) -> F:
    # A new dict: flask-smorest's wrappers share the wrapped function's until they copy it.
    func._apidoc = {  # type: ignore[attr-defined]
        **getattr(func, "_apidoc", {}),
        key: merge(getattr(func, "_apidoc", {}).get(key, empty)),
    }
    return func


class Blueprint(PaginatedBlueprint):
    """flask-smorest's Blueprint (with X-Pagination) writing each view's contract into
    the API description; ``security_schemes`` declares a module's own credentials."""

    def __init__(
        self,
        *args: Any,
        security_schemes: Mapping[str, Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.security_schemes = dict(security_schemes or {})
        self._operations: dict[str, dict[str, Operation]] = {}
        self._prepare_doc_cbks.append(self._prepare_operation_doc)

    @staticmethod
    def reads_headers(*headers: Header) -> Callable[[F], F]:
        """Declare the request headers the method reads (beyond those of its view)."""
        return lambda func: _declare(func, HEADERS_KEY, lambda known: (*known, *headers), ())

    @staticmethod
    def errors(*answers: int | Mapping[int, str]) -> Callable[[F], F]:
        """Declare error answers the method can give beyond those of its view, its
        headers and its input: statuses, or statuses with their reason."""
        reasons = [
            pair
            for answer in answers
            for pair in (
                answer.items()
                if isinstance(answer, Mapping)
                else [(answer, generic_reason(answer))]
            )
        ]
        return lambda func: _declare(func, ERRORS_KEY, lambda known: (*known, *reasons), ())

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Any = None,
        provide_automatic_options: bool | None = None,
        *,
        parameters: Any = None,
        tags: Any = None,
        **options: Any,
    ) -> None:
        if not (isinstance(view_func, type) and issubclass(view_func, ApiView)):
            name = getattr(view_func, "__qualname__", view_func)
            raise TypeError(f"{name} at {rule}: API views derive from datacapt.api.views.ApiView")
        super().add_url_rule(
            rule,
            endpoint,
            view_func,
            provide_automatic_options,
            parameters=parameters,
            tags=tags,
            **options,
        )
        endpoint_docs = self._docs[self._endpoints[-1]]
        operations = self._operations.setdefault(self._endpoints[-1], {})
        schemes = {**CORE_SECURITY_SCHEMES, **self.security_schemes}
        for method, doc in endpoint_docs.items():
            if method == "parameters":
                continue
            operation = view_func.operation(
                method.upper(),
                getattr(getattr(view_func, method), "_apidoc", {}),
                tenant_scoped=self.name not in TENANT_EXEMPT_BLUEPRINTS,
                path_parameters="<" in f"{self.url_prefix or ''}{rule}",
                schemes=schemes,
            )
            operations[method.upper()] = doc[_OPERATION_KEY] = operation
            docstring = doc["docstring"]
            docstring["description"] = "\n\n".join(
                part for part in (docstring.get("description"), operation.access) if part
            )

    def register_views_in_doc(
        self, api: Any, app: Flask, spec: Any, *, name: str, parameters: Any
    ) -> None:
        for scheme_name, scheme in self.security_schemes.items():
            known = spec.components.security_schemes.get(scheme_name)
            if known is None:
                spec.components.security_scheme(scheme_name, dict(scheme))
            elif known != dict(scheme):
                raise ValueError(f"another security scheme is named {scheme_name!r}")
        super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)
        app.extensions.setdefault(OPERATIONS_EXTENSION, {}).update(
            {f"{name}.{endpoint}": methods for endpoint, methods in self._operations.items()}
        )

    @staticmethod
    def _prepare_operation_doc(
        doc: dict[str, Any], doc_info: Mapping[str, Any], **_kwargs: Any
    ) -> dict[str, Any]:
        operation: Operation = doc_info[_OPERATION_KEY]
        doc.setdefault("parameters", []).extend(h.parameter() for h in operation.headers)
        responses = doc.setdefault("responses", {})
        for status, reasons in operation.errors.items():
            responses[status] = {
                "description": " ".join(reasons),
                "content": {"application/json": {"schema": ErrorEnvelopeSchema}},
            }
        # Successes first, then errors by status, then the default answer.
        doc["responses"] = dict(
            sorted(
                responses.items(), key=lambda item: int(item[0]) if item[0] != "default" else 999
            )
        )
        if operation.security != DEFAULT_SECURITY:
            doc["security"] = [{name: []} for name in operation.security]
        if operation.permission not in (None, AUTHENTICATED):
            doc["x-permission"] = operation.permission
        return doc
