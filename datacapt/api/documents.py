"""Documents saved whole (an eCRF design, a questionnaire, ...): each save names the
version it replaces, so a stale save never overwrites a colleague's work.

A read answers the document's ``ETag`` (its kind, identity and revision); a save sends it
back in ``If-Match`` (read by ``datacapt.api.etags``). ``require_current`` refuses a save
without it (428) or with another one (412) before anything is written. The service takes
the document's lock first (``lock_document`` or a row lock), so saves of one document
queue up and each compares against what the one before it committed.
"""

from __future__ import annotations

from flask import has_request_context

from datacapt.api.etags import check_if_match
from datacapt.database import db
from datacapt.database.locks import advisory_lock
from datacapt.i18n import Message

# For the API description: the ETag a read or save of a versioned thing answers (a save
# declares the If-Match it reads with ``@blp.reads_headers(IF_MATCH)``).
ETAG_HEADER = {
    "ETag": {
        "description": "The version read, to send back in If-Match",
        "schema": {"type": "string"},
    }
}


def document_etag(kind: str, identity: object, revision: int) -> str:
    """The strong ETag of revision ``revision`` of the document ``kind``/``identity``."""
    return f'"{kind}.{identity}.{revision}"'


def lock_document(kind: str, identity: object) -> None:
    """Hold the document until the transaction ends (also one not stored yet)."""
    advisory_lock(db.session.connection(), f"document:{kind}:{identity}")


def require_current(etag: str) -> None:
    """The request's If-Match must name ``etag``, the document's current one: 428 without
    it, 412 when the document changed since the client read it.

    Outside a request (commands, jobs, the demo seed) nothing is checked: they read and
    save in one transaction under the document's lock.
    """
    if not has_request_context():
        return
    check_if_match(
        etag, message=Message("Someone saved this document since you read it: read it again.")
    )
