"""Whether an app's OpenAPI description is complete: ``description_problems(app)``.

Every endpoint of the API is an ``ApiView`` on a ``datacapt.api.blueprint.Blueprint``, and
each of its operations in the description has: a schema for each 2xx answer with a body,
each error answer its view can give (with the error envelope's schema), each header it
reads, ``security: []`` when public, and its permission. What a view does at run time is
held to the same description by ``datacapt.api.contract`` in every test.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from datacapt.api.operations import DEFAULT_SECURITY, OPERATIONS_EXTENSION, Operation
from datacapt.api.views import ApiView
from datacapt.permissions.mixin import AUTHENTICATED

_ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _spec_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _operation_problems(where: str, operation: Operation, documented: dict[str, Any]) -> list[str]:
    problems = []
    responses = documented.get("responses", {})
    successes = [status for status in responses if status.startswith("2")]
    if not successes:
        problems.append(f"{where}: no success answer")
    for status in successes:
        content = responses[status].get("content", {})
        if status != "204" and not any("schema" in media for media in content.values()):
            problems.append(f"{where}: its {status} answer has no schema")
    for status in operation.errors:
        content = responses.get(str(status), {}).get("content", {})
        if content.get("application/json", {}).get("schema") != _ENVELOPE:
            problems.append(f"{where}: its {status} answer is not listed with the error envelope")
    parameters = {
        p["name"].lower(): p for p in documented.get("parameters", []) if p.get("in") == "header"
    }
    for header in operation.headers:
        parameter = parameters.get(header.name.lower())
        if parameter is None or parameter["required"] != header.required:
            problems.append(f"{where}: the header {header.name} is not declared as read")
    security = documented.get("security")
    expected = None if operation.security == DEFAULT_SECURITY else operation.security
    if security != (None if expected is None else [{name: []} for name in expected]):
        problems.append(f"{where}: its security is {security}, not {list(expected or ())}")
    if operation.permission not in (None, AUTHENTICATED) and (
        documented.get("x-permission") != operation.permission
    ):
        problems.append(f"{where}: x-permission does not name {operation.permission}")
    return problems


def description_problems(app: Flask) -> list[str]:
    """What the app's API description lacks, one sentence each (empty: complete)."""
    api = app.extensions["datacapt.api"]
    spec = api.spec.to_dict()
    described: dict[str, dict[str, Operation]] = app.extensions.get(OPERATIONS_EXTENSION, {})
    api_blueprints = app.extensions["flask-smorest"]["blp_name_to_api"]
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rpartition(".")[0] not in api_blueprints:
            continue
        view = getattr(app.view_functions[rule.endpoint], "view_class", None)
        operations = described.get(rule.endpoint)
        if operations is None or view is None or not issubclass(view, ApiView):
            problems.append(f"{rule.rule}: not an ApiView of datacapt.api.blueprint.Blueprint")
            continue
        path = _spec_path(rule.rule)
        for method, operation in operations.items():
            documented = spec["paths"].get(path, {}).get(method.lower())
            if documented is None:
                problems.append(f"{method} {path}: missing from the description")
                continue
            problems.extend(_operation_problems(f"{method} {path}", operation, documented))
    return problems
