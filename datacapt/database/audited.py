"""What models and work declare for the audit trail, below every package that has
audited models: the ``Audited`` mixin and where a change belongs, who acts (``acting_as``).
The recorder (datacapt.audit.recorder) writes the records; it is their public home."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from flask import g, has_request_context

from datacapt.database.mixins import TrackingMixin


class ReasonPolicy(enum.StrEnum):
    NEVER = "never"
    AFTER_CREATION = "after_creation"  # updates and deletes need a reason
    ALWAYS = "always"


@dataclass(frozen=True)
class SensitiveFields:
    """A class of fields (personal data, blinded values) that audit reads show only to
    callers holding ``permission`` where the record belongs, and redact for the others."""

    name: str
    permission: str


@dataclass(frozen=True)
class AuditContext:
    """Where a record belongs, as public ids. ``study`` None: the tenant itself.
    ``section``: the part of a subject's data (an eCRF section, an ePRO occurrence)."""

    study: str | None = None
    center: str | None = None
    subject: str | None = None
    section: str | None = None
    question: str | None = None


def request_study() -> Any:
    """The study (a datacapt.studies.models.Study) the current request works in, if any."""
    return g.get("study") if has_request_context() else None


class AuditSubject(Protocol):
    """What an event is written about: a table's row that says where it belongs (audited
    rows, and records such as notifications whose changes are not audited row by row)."""

    __tablename__: str

    def audit_context(self) -> AuditContext: ...


class Audited(TrackingMixin):
    """Opt-in mixin: the model's every insert, update and delete is audited."""

    if TYPE_CHECKING:
        __tablename__: str  # every audited class is a mapped table

    audit_reason: ClassVar[ReasonPolicy] = ReasonPolicy.NEVER
    # False for what the platform records of its own accord (security events): the
    # request's reason for change is not about them.
    audit_takes_reason: ClassVar[bool] = True
    audit_exclude: ClassVar[frozenset[str]] = frozenset()
    # Fields whose values only holders of a permission may read in the trail.
    audit_sensitive: ClassVar[Mapping[SensitiveFields, frozenset[str]]] = {}

    def audit_study_id(self) -> str | None:
        """The study the change belongs to (default: the request's study, if any)."""
        study = request_study()
        return str(study.uuid) if study is not None else None

    def audit_context(self) -> AuditContext:
        """Where the change belongs; models of a subject's data name center, subject,
        section and question, on every record (updates and deletes too)."""
        return AuditContext(study=self.audit_study_id())


@dataclass(frozen=True)
class Actor:
    type: str  # user, api_key, operator, subject, system, anonymous
    id: str
    name: str

    @classmethod
    def from_label(cls, label: str) -> Actor:
        """``"operator:ann@example.org"`` -> Actor("operator", ...); a bare word is a system actor."""
        kind, sep, rest = label.partition(":")
        return cls(kind, rest, rest) if sep else cls("system", label, label)


SYSTEM = Actor("system", "system", "system")
_actor: ContextVar[Actor | None] = ContextVar("datacapt_audit_actor", default=None)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    chosen = _actor.get()
    if chosen is not None:
        return chosen
    if has_request_context():
        principal = g.get("principal")
        if principal is not None:
            if principal.user_id is not None:
                user_uuid, _, name = principal.label.partition(" ")
                return Actor("user", user_uuid, name)
            return Actor("api_key", str(principal.api_key.uuid), principal.api_key.name)
        operator = g.get("operator")
        if operator is not None:
            return Actor("operator", operator.email, operator.name or operator.email)
        return Actor("anonymous", "-", "anonymous")
    return SYSTEM
