"""Blinding: what a blinded study hides (a subject's arm, the product behind a code, anything
that reveals them) reaches only callers holding the unblinding permission, wherever data
leaves the platform.

A module declares each kind of blinded data once, as a ``Blinding`` (a name and the
permission that reveals it), and marks its values with it:

- models list the fields in ``audit_sensitive`` (a ``Blinding`` is the audit trail's
  ``SensitiveFields``): audit reads show them ``[redacted]`` to callers without the
  permission where the record belongs;
- response schemas derive from ``BlindingSchema`` and wrap the fields with ``blinded``: a
  caller who may not see them gets ``null``;
- texts and error details carry ``BlindedValue(kind, value)``: rendered for the caller when
  the answer is written, as ``[blinded]`` unless they may see it.

Whether a caller may see is decided by ``may_see``: the permission in their study role in
the request's study (their platform role for a request outside any study); never outside
a request (a job, a command, an email), so what is rendered there stays blinded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context

from datacapt.database.audited import SensitiveFields

MASK = "[blinded]"


@dataclass(frozen=True)
class Blinding(SensitiveFields):
    """A kind of blinded data (``name``) and the permission that reveals it."""


def may_see(kind: Blinding) -> bool:
    """Whether the caller of the current request may see data of ``kind``."""
    if not has_request_context():
        return False
    # Set when the request entered its study (datacapt.studies.context.enter_study).
    in_study = g.get("study_permissions")
    if in_study is not None:
        return kind.permission in in_study
    principal = g.get("principal")
    return principal is not None and kind.permission in principal.platform_permissions


class BlindedValue:
    """A value shown only to callers who may see ``kind``, decided when it is rendered (a
    message's parameter, an error's detail); others read ``MASK``."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: Blinding, value: Any) -> None:
        self.kind = kind
        self.value = value

    def __str__(self) -> str:
        return str(self.value) if may_see(self.kind) else MASK

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"BlindedValue({self.kind.name!r})"

    def __json__(self) -> Any:
        """What the API's JSON encoding writes (datacapt.api.json)."""
        return self.value if may_see(self.kind) else MASK
