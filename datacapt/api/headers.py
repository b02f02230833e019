"""The request headers of the API: each one a view may read, described once.

A view declares the headers it reads beyond those its base class implies (docs/api.md,
"What the description promises"): ``@blp.reads_headers(IF_MATCH)``. The documenting
Blueprint writes each as a header parameter of the operation, with the error answers
reading it can give. Modules add their own the same way (``Header("Qr-Code", ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from datacapt.api.etags import IF_MATCH_HEADER


@dataclass(frozen=True)
class Header:
    """A request header a view reads: its parameter in the API description, and what a
    request gets when the header is missing or wrong (status -> reason)."""

    name: str
    description: str
    required: bool = False
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})
    errors: Mapping[int, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.name.lower())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Header) and other.name.lower() == self.name.lower()

    def parameter(self) -> dict[str, Any]:
        """The OpenAPI parameter object."""
        return {
            "in": "header",
            "name": self.name,
            "required": self.required,
            "description": self.description,
            "schema": dict(self.schema),
        }


STUDY_UUID = Header(
    "Study-Uuid",
    "The study the request works in; the caller must belong to it.",
    required=True,
    schema={"type": "string", "format": "uuid"},
    errors={
        400: "The Study-Uuid header is missing or not a UUID (STUDY_REQUIRED).",
        403: "The caller is not a member of the study (USER_DOES_NOT_BELONG_TO_STUDY).",
        404: "No such study (STUDY_NOT_FOUND).",
    },
)
IF_MATCH = Header(
    IF_MATCH_HEADER,
    "The ETag of the read this change is based on, as it was read (double quotes included).",
    required=True,
    errors={
        400: "If-Match is not the ETag of a read: unquoted, weak or * (IF_MATCH_INVALID).",
        412: "It changed since that read: read it again (PRECONDITION_FAILED).",
        428: "If-Match is missing (PRECONDITION_REQUIRED).",
    },
)
REASON_FOR_CHANGE = Header(
    "Reason-For-Change",
    "Why the change is made, kept in the audit record of what the request changes (UTF-8, "
    "percent-encoded; or the body's reason_for_change). Needed where a change needs a reason.",
    errors={
        422: "The reason is needed and missing (REASON_FOR_CHANGE_REQUIRED), or longer than "
        "1,000 characters or not UTF-8 (REASON_FOR_CHANGE_INVALID).",
    },
)
LANGUAGE = Header(
    "Language",
    "The language of the answer's messages (en, fr); without it Accept-Language, else English.",
)

# Read by the platform for every request whatever the endpoint (transport, content
# negotiation, tracing, the client's address behind proxies), so no operation lists them.
STANDARD_HEADERS = frozenset(
    name.lower()
    for name in (
        "Host",
        "Content-Type",
        "Content-Length",
        "Transfer-Encoding",
        "Content-Encoding",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Origin",
        "User-Agent",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
        "Access-Control-Request-Private-Network",
        "X-Request-Id",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
    )
)
