"""What every request must be before any view reads it, checked in one place.

Before a view runs: no header, path segment, query parameter, form field, file name or JSON
string (keys and values, however deep) holds a NUL character or a lone surrogate (PostgreSQL
and the encoder refuse them); a JSON body is valid and nests at most ``MAX_JSON_DEPTH``
levels (the decoder's own recursion limit stops deeper bodies, then a walk without
recursion counts the levels, before any view recurses); an endpoint that reads JSON
gets JSON; and no query parameter is unknown to the endpoint.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, request

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

MAX_JSON_DEPTH = 100
FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})

_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def refused_characters() -> Message:
    return Message("Text cannot hold the NUL character or an unpaired surrogate.")


def has_refused_characters(text: str) -> bool:
    """Whether ``text`` holds a NUL character or a lone surrogate."""
    return _REFUSED_CHARACTERS.search(text) is not None


def json_depth(value: Any) -> int:
    """How deep the arrays and objects of a parsed JSON value nest (without recursing)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def json_strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every string of a parsed JSON value (object keys included) with its path:
    ``answers.q1.0.note``."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else key
                yield child_path, key
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), c) for i, c in enumerate(item))


def _refuse_strings(pairs: Iterable[tuple[str, str]], code: ErrorCode) -> None:
    """``code`` (400 or 422) naming each field whose text holds refused characters."""
    pairs = list(pairs)
    # One search over all the texts: nearly every request holds none, and then the
    # texts are not searched one by one.
    if not has_refused_characters("".join(text for _, text in pairs)):
        return
    fields = {name: [refused_characters()] for name, text in pairs if has_refused_characters(text)}
    if fields:
        raise DatacaptException(
            code, InternalCodes.CHARACTERS_REFUSED, refused_characters(), fields=fields
        )


def _malformed(message: Message) -> DatacaptException:
    return DatacaptException(ErrorCode.REQUEST_INVALID, InternalCodes.MALFORMED_REQUEST, message)


def check_json_body(raw: bytes) -> None:
    """400 when the body nests too deep or is no JSON, 422 when a string holds refused
    characters."""
    too_deep = DatacaptException(
        ErrorCode.REQUEST_INVALID,
        InternalCodes.JSON_TOO_DEEP,
        Message(
            "The body nests arrays and objects deeper than {limit} levels.",
            limit=MAX_JSON_DEPTH,
        ),
        details={"max_depth": MAX_JSON_DEPTH},
    )
    try:
        data = json.loads(raw)
    except RecursionError:  # the decoder's own limit, far past ours
        raise too_deep from None
    except ValueError:  # not JSON, not UTF-8, or a number too long to read
        raise _malformed(Message("The body is not valid JSON.")) from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise too_deep
    _refuse_strings(json_strings(data), ErrorCode.VALIDATION_ERROR)


def _view_method() -> Callable[..., Any] | None:
    """The MethodView method that will answer, or None for other endpoints (API docs)."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return None
    method = request.method.lower()
    return getattr(view_class, method, None) or (
        getattr(view_class, "get", None) if method == "head" else None
    )


def _field_names(schema: Any) -> frozenset[str] | None:
    if isinstance(schema, type) and issubclass(schema, ma.Schema):
        schema = schema()
    if not isinstance(schema, ma.Schema):
        return None
    return frozenset(field.data_key or name for name, field in schema.fields.items())


@functools.cache
def _documented_inputs(method: Callable[..., Any]) -> tuple[frozenset[str] | None, bool]:
    """The query parameters a view method declares (None: it does not say) and whether
    it reads a JSON body."""
    doc = getattr(method, "_apidoc", {})
    parameters = list(doc.get("arguments", {}).get("parameters", []))
    if "pagination" in doc:
        parameters.append(doc["pagination"]["parameters"])
    reads_json = any(p.get("in") == "json" for p in parameters)
    names = [_field_names(p["schema"]) for p in parameters if p.get("in") == "query"]
    known = [found for found in names if found is not None]
    if len(known) < len(names):
        return None, reads_json
    return frozenset[str]().union(*known), reads_json


def _check_query(known: frozenset[str] | None) -> None:
    if not request.query_string:
        return
    _refuse_strings(
        ((name, value) for name, values in request.args.lists() for value in [name, *values]),
        ErrorCode.REQUEST_INVALID,
    )
    unknown = sorted(set(request.args) - known) if known is not None else []
    if unknown:
        raise DatacaptException(
            ErrorCode.REQUEST_INVALID,
            InternalCodes.UNKNOWN_PARAMETERS,
            Message("Unknown query parameters: {names}.", names=", ".join(unknown)),
            fields={name: [Message("Unknown parameter.")] for name in unknown},
        )


def _check_body(reads_json: bool) -> None:
    if not reads_json and "Content-Type" not in request.headers:
        return  # no body to read, and none expected: a GET's
    if request.is_json:
        raw = request.get_data(cache=True)
        if raw:
            check_json_body(raw)
    elif reads_json and (request.content_length or request.get_data(cache=True)):
        raise DatacaptException(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            InternalCodes.JSON_EXPECTED,
            Message("This endpoint expects a JSON body (Content-Type: application/json)."),
        )
    elif request.mimetype in FORM_MIMETYPES:
        fields = ((name, text) for name, values in request.form.lists() for text in [name, *values])
        files = (
            (name, text)
            for name, uploads in request.files.lists()
            for upload in uploads
            for text in (name, upload.filename or "")
        )
        _refuse_strings(itertools.chain(fields, files), ErrorCode.VALIDATION_ERROR)


def check_request() -> None:
    """Refuse the request before any view reads it (see the module's docstring)."""
    _refuse_strings(request.headers.items(), ErrorCode.REQUEST_INVALID)
    _refuse_strings(
        (
            (name, value)
            for name, value in (request.view_args or {}).items()
            if isinstance(value, str)
        ),
        ErrorCode.REQUEST_INVALID,
    )
    method = _view_method()
    known, reads_json = _documented_inputs(method) if method is not None else (None, False)
    _check_query(known)
    _check_body(reads_json)


def init_input_checks(app: Flask) -> None:
    app.before_request(check_request)
