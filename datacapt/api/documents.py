"""Documents saved whole (an eCRF design, a questionnaire, ...): each save names the
version it replaces, so a stale save never overwrites a colleague's work.

A read answers the document's ``ETag`` (its kind, identity and revision); a save sends it
back in ``If-Match``. ``require_current`` refuses a save without it (428) or with another
one (412) before anything is written. The service takes the document's lock first
(``lock_document`` or a row lock), so saves of one document queue up and each compares
against what the one before it committed.
"""

from __future__ import annotations

import re

from flask import has_request_context, request

from datacapt.database import db
from datacapt.database.locks import advisory_lock
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

IF_MATCH = "If-Match"
# For the API description: the ETag a read or save answers, the If-Match a save needs.
ETAG_HEADER = {
    "ETag": {"description": "The document's version, for If-Match", "schema": {"type": "string"}}
}
IF_MATCH_PARAMETER = {
    "in": "header",
    "name": IF_MATCH,
    "required": True,
    "description": "The ETag of the read this save is based on (428 without, 412 if stale)",
    "schema": {"type": "string"},
}
# One entity tag of a list: an optional weak prefix, then a quoted opaque value.
_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def document_etag(kind: str, identity: object, revision: int) -> str:
    """The strong ETag of revision ``revision`` of the document ``kind``/``identity``."""
    return f'"{kind}.{identity}.{revision}"'


def lock_document(kind: str, identity: object) -> None:
    """Hold the document until the transaction ends (also one not stored yet)."""
    advisory_lock(db.session.connection(), f"document:{kind}:{identity}")


def parse_if_match(header: str | None) -> frozenset[str]:
    """The strong entity tags an If-Match header names (empty when it is absent).

    Refuses ``*`` (428: it names no version), a weak tag (412: If-Match compares strong
    tags only, so it can never match) and anything else that is not a list of quoted
    tags (400).
    """
    value = (header or "").strip()
    if not value:
        return frozenset()
    if value == "*":
        raise DatacaptException(
            ErrorCode.PRECONDITION_REQUIRED,
            InternalCodes.PRECONDITION_REQUIRED,
            Message("If-Match: * names no version: send the ETag you read."),
        )
    tags, position = set(), 0
    while position < len(value):
        found = _TAG.match(value, position)
        if found is None or found.end() == position:
            raise DatacaptException(
                ErrorCode.REQUEST_INVALID,
                InternalCodes.MALFORMED_REQUEST,
                Message("If-Match takes the ETag exactly as read, in double quotes."),
            )
        if found.group(1):
            raise DatacaptException(
                ErrorCode.PRECONDITION_FAILED,
                InternalCodes.PRECONDITION_FAILED,
                Message("If-Match needs the strong ETag of the read, not a weak one."),
            )
        tags.add(found.group(2))
        position = found.end()
    return frozenset(tags)


def require_current(etag: str) -> None:
    """The request's If-Match must name ``etag``, the document's current one: 428 without
    it, 412 when the document changed since the client read it.

    Outside a request (commands, jobs, the demo seed) nothing is checked: they read and
    save in one transaction under the document's lock.
    """
    if not has_request_context():
        return
    tags = parse_if_match(request.headers.get(IF_MATCH))
    if not tags:
        raise DatacaptException(
            ErrorCode.PRECONDITION_REQUIRED,
            InternalCodes.PRECONDITION_REQUIRED,
            Message("Send If-Match with the ETag of the document you read."),
        )
    if etag not in tags:
        raise DatacaptException(
            ErrorCode.PRECONDITION_FAILED,
            InternalCodes.PRECONDITION_FAILED,
            Message("Someone saved this document since you read it: read it again."),
        )
