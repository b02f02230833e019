"""In tests, every request is held to the description of its operation.

When the app is testing, each request to an API view reads its headers through a guard
that notes any read of a header the operation does not declare (beyond the standard ones
of ``datacapt.api.headers.STANDARD_HEADERS``), whoever reads it: the view, the access
check, a service, the error handler. Each answer is checked too: a 2xx the operation does
not document, or a listed error status (``LISTED_ERRORS``) it does not list, is noted, and
so is a request to an API endpoint that no ``datacapt.api.blueprint.Blueprint`` describes.
The pytest plugin (datacapt.testing.pytest_plugin) fails the test that caused a note, so
the whole suite holds the description to what the views do.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import EnvironHeaders

from datacapt.api.headers import STANDARD_HEADERS
from datacapt.api.operations import LISTED_ERRORS, OPERATIONS_EXTENSION, Operation

# What requests did beyond their description, since the last take_breaches().
_breaches: list[str] = []


def take_breaches() -> list[str]:
    """The notes taken since the last call, forgotten."""
    taken = list(_breaches)
    del _breaches[: len(taken)]
    return taken


def _where() -> str:
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return f"{request.method} {rule}"


def _endpoint_operations() -> dict[str, Operation] | None:
    operations: dict[str, dict[str, Operation]] = current_app.extensions.get(
        OPERATIONS_EXTENSION, {}
    )
    return operations.get(request.endpoint or "")


def _operation() -> Operation | None:
    operations = _endpoint_operations()
    if operations is None:
        return None
    return operations.get("GET" if request.method == "HEAD" else request.method)


class _DeclaredHeaders(EnvironHeaders):
    """The request's headers, noting each read of one the operation does not declare."""

    def __init__(self, environ: Any, operation: Operation) -> None:
        super().__init__(environ)
        self.operation = operation

    def _note(self, key: Any) -> None:
        if (
            isinstance(key, str)
            and key.lower() not in STANDARD_HEADERS
            and not self.operation.reads(key)
        ):
            _breaches.append(
                f"{_where()} read the header {key}, which its description does not declare"
            )

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key: Any, type: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)


def _is_api_blueprint(name: str | None) -> bool:
    return name in current_app.extensions["flask-smorest"]["blp_name_to_api"]


def init_contract_checks(app: Flask) -> None:
    """Hold each request to its operation's description (testing apps only)."""
    if not app.testing:
        return

    @app.before_request
    def guard_header_reads() -> None:
        if _endpoint_operations() is None:
            if request.endpoint is not None and _is_api_blueprint(request.blueprint):
                _breaches.append(f"{_where()} has no description: use the API Blueprint")
            return
        operation = _operation()
        if operation is not None:
            request.headers = _DeclaredHeaders(request.environ, operation)

    @app.after_request
    def check_answer(response: Response) -> Response:
        operation = _operation()
        status = response.status_code
        if operation is None:
            return response
        if 200 <= status < 300 and status not in operation.successes:
            _breaches.append(f"{_where()} answered {status}, which its description does not list")
        elif status in LISTED_ERRORS and status not in operation.errors:
            _breaches.append(
                f"{_where()} answered {status} ({_error_name(response)}), which its "
                "description does not list"
            )
        return response


def _error_name(response: Response) -> str:
    body = response.get_json(silent=True) if response.is_json else None
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("internal_name")) if isinstance(error, dict) else "no envelope"
