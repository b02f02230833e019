"""The audit recorder: models opt in with ``Audited``; every flush of their inserts,
updates and deletes appends audit records in the same transaction.

Who acts comes from the request (user or API key), the operator, or ``acting_as`` (jobs,
commands); the reason for change from the ``Reason-For-Change`` header or
``reason_for_change``. A model may require a reason: a change without one is refused with
422 and the whole transaction rolls back, so nothing is written.

Each record also says where it belongs (``audit_context``: study, center, subject, section,
question), so reads can be limited and a subject's history found, and which of its fields
are sensitive (``audit_sensitive``), so reads can hide them from who may not see them.
Foreign keys are written as the public id of the row they point to, never as integers.

A write that bypasses the ORM (a set-based insert or update) goes through
``write_audited``: the same records, reason rules and listeners as a flush, the write and
its records sent as one statement, the rows it wrote counted against its records (a
mismatch raises ``AuditedWriteMismatch`` rather than commit a wrong trail). Either way the records reach the chain through
``append_records``, many in one call.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy import event, orm
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.functions import Function

from datacapt.api.inputs import has_refused_characters, refused_characters
from datacapt.audit.chain import payload, timestamp
from datacapt.audit.listeners import COMMITTED_RECORDS
from datacapt.database import db, utcnow
from datacapt.database.audited import (
    Actor,
    AuditContext,
    Audited,
    AuditSubject,
    ReasonPolicy,
    current_actor,
)

# Declared below the packages with audited models; named from here by plugins.
from datacapt.database.audited import SensitiveFields as SensitiveFields
from datacapt.database.audited import acting_as as acting_as
from datacapt.database.audited import request_study as request_study
from datacapt.database.deferred import keep
from datacapt.database.session import ScopedSchemaSession
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

REASON_HEADER = "Reason-For-Change"
REASON_FIELD = "reason_for_change"  # the body's top-level field, where there is no header
MAX_REASON_LENGTH = 1000
REDACTED = "[redacted]"
# Columns every model has that say nothing about the change itself.
_SKIPPED = frozenset({"id", "created_at", "modified_at"})
_FLUSH_CACHE = "audit_flush_cache"
T = TypeVar("T")


def flush_cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per audited flush: the contexts of one save share their lookups
    (outside a flush, computed each time)."""
    cached = db.session().info.get(_FLUSH_CACHE)
    if cached is None:
        return compute()
    if key not in cached:
        cached[key] = compute()
    return cached[key]


_reason: ContextVar[str | None] = ContextVar("datacapt_audit_reason", default=None)


@contextmanager
def reason_for_change(reason: str) -> Iterator[None]:
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def _reason_invalid(message: Message) -> DatacaptException:
    return DatacaptException(
        ErrorCode.VALIDATION_ERROR,
        InternalCodes.REASON_FOR_CHANGE_INVALID,
        message,
        fields={REASON_FIELD: [message]},
    )


def _request_reason() -> str | None:
    """The request's reason: the header (UTF-8, percent-encoded or raw), else the body's
    top-level ``reason_for_change``."""
    header = request.headers.get(REASON_HEADER)
    if header is not None:
        # WSGI hands headers over as Latin-1: back to the bytes the client sent.
        try:
            return unquote_to_bytes(header.encode("latin-1")).decode("utf-8")
        except UnicodeError:
            raise _reason_invalid(
                Message("The Reason-For-Change header is UTF-8 text, percent-encoded.")
            ) from None
    body = request.get_json(silent=True) if request.is_json else None
    reason = body.get(REASON_FIELD) if isinstance(body, dict) else None
    if reason is not None and not isinstance(reason, str):
        raise _reason_invalid(Message("The reason for change is a text."))
    return reason


def current_reason() -> str | None:
    """The reason for the changes being made (``reason_for_change``, else the request's),
    stripped; 422 when longer than ``MAX_REASON_LENGTH`` or holding refused characters."""
    reason = _reason.get()
    if reason is None and has_request_context():
        reason = _request_reason()
    if reason is None:
        return None
    if len(reason) > MAX_REASON_LENGTH:
        raise _reason_invalid(
            Message("A reason for change has at most {limit} characters.", limit=MAX_REASON_LENGTH)
        )
    if has_refused_characters(reason):
        raise _reason_invalid(refused_characters())
    return reason.strip() or None


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return timestamp(value) if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return json_value(value.value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


@cache
def _foreign_keys(mapper: orm.Mapper) -> dict[str, sa.Column]:
    """The mapper's foreign-key attributes and the column each points to."""
    return {
        attr.key: next(iter(attr.columns[0].foreign_keys)).column
        for attr in mapper.column_attrs
        if attr.columns[0].foreign_keys
    }


class _PublicIds:
    """Turns foreign keys into the public ids (uuids) of the rows they point to, looked up
    once per flush per target table; rows deleted by the flush are found in the session."""

    def __init__(
        self, session: orm.Session, known: Mapping[tuple[sa.Column, Any], str] | None = None
    ) -> None:
        self.session = session
        self.wanted: dict[sa.Column, set[Any]] = {}
        self.found: dict[tuple[sa.Column, Any], str | None] = dict(known or {})

    def want(self, target: sa.Column, value: Any) -> None:
        if value is not None and (target, value) not in self.found:
            self.wanted.setdefault(target, set()).add(value)

    def resolve(self) -> None:
        for target, values in self.wanted.items():
            public = target.table.c.get("uuid")
            if public is None:  # no public id to show: the field is left as unknown
                continue
            rows = self.session.connection().execute(
                sa.select(target, public).where(target.in_(sorted(values)))
            )
            self.found.update(((target, key), str(uuid_)) for key, uuid_ in rows)
        for obj in self.session.deleted:
            table = sa.inspect(obj).mapper.local_table
            for target in self.wanted:
                if target.table is table and "uuid" in table.c:
                    self.found.setdefault((target, getattr(obj, target.key)), str(obj.uuid))

    def get(self, target: sa.Column, value: Any) -> str | None:
        return None if value is None else self.found.get((target, value))


def _values(
    model: type[Audited], pairs: Mapping[str, tuple[Any, Any]], public_ids: _PublicIds
) -> dict[str, list[Any]]:
    foreign = _foreign_keys(sa.inspect(model))
    values: dict[str, list[Any]] = {}
    for name, (old, new) in sorted(pairs.items()):
        if name in _SKIPPED:
            continue
        if name in model.audit_exclude:
            values[name] = [REDACTED, REDACTED]
        elif name in foreign:
            values[name] = [public_ids.get(foreign[name], old), public_ids.get(foreign[name], new)]
        else:
            values[name] = [json_value(old), json_value(new)]
    return values


def _sensitive(obj: Any, changes: Mapping[str, Any]) -> dict[str, list[str]] | None:
    """{permission: [field, ...]} of the record's sensitive fields, None when it has none
    (or ``obj`` declares none: an event about a row that is not audited)."""
    declared: Mapping[SensitiveFields, frozenset[str]] = getattr(obj, "audit_sensitive", {})
    sensitive = {
        kind.permission: sorted(fields & set(changes))
        for kind, fields in declared.items()
        if fields & set(changes)
    }
    return sensitive or None


def _object_id(obj: Any) -> str:
    public = getattr(obj, "uuid", None)
    return (
        str(public)
        if public is not None
        else str(sa.inspect(obj).mapper.primary_key_from_instance(obj)[0])
    )


def _entries(session: orm.Session) -> list[tuple[str, Audited, dict[str, list[Any]]]]:
    pending: list[tuple[str, Audited, dict[str, tuple[Any, Any]]]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            mapper = sa.inspect(obj).mapper
            values = {attr.key: (None, getattr(obj, attr.key)) for attr in mapper.column_attrs}
            pending.append(("create", obj, values))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = {k: v for k, v in obj.tracked_changes.items() if k not in _SKIPPED}
            if not changes:
                continue
            action = "update"
            if "deleted_at" in changes:
                action = "restore" if changes["deleted_at"][1] is None else "soft_delete"
            pending.append((action, obj, changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            mapper = sa.inspect(obj).mapper
            values = {attr.key: (getattr(obj, attr.key), None) for attr in mapper.column_attrs}
            pending.append(("delete", obj, values))
    public_ids = _public_ids(session, [(type(obj), pairs) for _, obj, pairs in pending])
    return [(action, obj, _values(type(obj), pairs, public_ids)) for action, obj, pairs in pending]


def _public_ids(
    session: orm.Session,
    rows: Iterable[tuple[type[Audited], Mapping[str, tuple[Any, Any]]]],
    known: Mapping[tuple[sa.Column, Any], str] | None = None,
) -> _PublicIds:
    """The public ids of the rows' foreign keys, looked up in one query per target table
    (those ``known`` are not)."""
    public_ids = _PublicIds(session, known)
    for model, pairs in rows:
        for name, target in _foreign_keys(sa.inspect(model)).items():
            for value in pairs.get(name, ()):
                public_ids.want(target, value)
    public_ids.resolve()
    return public_ids


def record_fields(
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any],
    context: AuditContext,
    actor: Actor,
    reason: str | None,
    sensitive: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """One audit record's fields, with its canonical payload for the chain."""
    fields = {
        "created_at": timestamp(utcnow()),
        "actor_type": actor.type,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "object_type": object_type,
        "object_id": object_id,
        "study_id": context.study,
        "center_id": context.center,
        "subject_id": context.subject,
        "section_id": context.section,
        "question": context.question,
        "sensitive": sensitive,
        "action": action,
        "changes": changes,
        "reason": reason,
        "request_id": g.get("request_id") if has_request_context() else None,
        "client_ip": request.remote_addr if has_request_context() else None,
    }
    fields["payload"] = payload(fields)
    return fields


def append_records(
    connection: sa.Connection,
    schema: str,
    records: list[dict[str, Any]],
    along: sa.Insert | sa.Update | None = None,
) -> list[Any]:
    """Append records to ``schema``'s chain in one statement (the database function takes
    the chain's lock and chains them in order); ``along``, the write they record, runs in
    the same statement: the values its RETURNING gives first, one per row it wrote."""
    given = sa.bindparam("records", json.dumps(records, ensure_ascii=False), type_=sa.Text)
    append: Function[Any] = Function("audit_append", sa.cast(given, JSONB), packagenames=(schema,))
    if along is None:
        connection.execute(sa.select(append))
        return []
    # A data-modifying WITH runs to completion whether or not it is referenced; its
    # RETURNING is what the statement reads back.
    written = along.cte("audited_write")
    first = next(iter(written.c))
    returned = sa.select(sa.func.array_agg(first)).scalar_subquery()
    return list(connection.execute(sa.select(append, returned)).one()[1] or [])


def record_event(action: str, obj: AuditSubject, changes: dict | None = None) -> None:
    """Write an event about ``obj`` that changes no row (a read, a link handed out) to the
    current tenant's trail, in the current transaction, as the current actor; it belongs
    where ``obj`` does, and its ``changes`` in fields ``obj`` marks sensitive (a blinded
    value) are read as those of its rows."""
    session = db.session()
    # The extension's sessions are ScopedSchemaSessions; an audited row lives in a tenant.
    assert isinstance(session, ScopedSchemaSession) and session.tenant_schema is not None
    changes = changes or {}
    record = record_fields(
        action,
        type(obj).__tablename__,
        _object_id(obj),
        changes,
        obj.audit_context(),
        current_actor(),
        current_reason(),
        _sensitive(obj, changes),
    )
    append_records(session.connection(), session.tenant_schema, [record])


def _reason_missing(action: str, policy: ReasonPolicy, reason: str | None) -> bool:
    if reason or policy == ReasonPolicy.NEVER:
        return False
    return policy == ReasonPolicy.ALWAYS or action != "create"


def reason_required(tables: Iterable[str]) -> DatacaptException:
    """The refusal of a change to these tables made without a reason."""
    return DatacaptException(
        ErrorCode.VALIDATION_ERROR,
        InternalCodes.REASON_FOR_CHANGE_REQUIRED,
        Message(
            "A reason for change is required (the Reason-For-Change header, or"
            " reason_for_change in the body)."
        ),
        details={"objects": sorted(tables)},
    )


def _actor_and_reason(changes: Iterable[tuple[str, type[Audited]]]) -> tuple[Actor, str | None]:
    """Who makes the changes (action, model) and why; 422 when a model's policy wants a
    reason that was not given."""
    changes = list(changes)
    takes_reason = any(model.audit_takes_reason for _, model in changes)
    actor, reason = current_actor(), current_reason() if takes_reason else None
    missing = {
        model.__tablename__
        for action, model in changes
        if _reason_missing(action, model.audit_reason, reason)
    }
    if missing:
        raise reason_required(missing)
    return actor, reason


def _append(session: ScopedSchemaSession, records: list[dict[str, Any]]) -> None:
    assert session.tenant_schema is not None
    append_records(session.connection(), session.tenant_schema, records)
    keep(session, COMMITTED_RECORDS, *records)


class AuditedWriteMismatch(RuntimeError):
    """A set-based audited write changed another number of rows than the audit records it
    was given describe: its caller's bug, which must not commit (the trail would be wrong)."""


@dataclass(frozen=True)
class RowChange:
    """One row's change in a set-based write: create or update, the row's public id, its
    columns' (old, new) values as stored (foreign keys as integers), where it belongs."""

    action: str
    object_id: str
    pairs: Mapping[str, tuple[Any, Any]]
    context: AuditContext


def write_audited(
    model: type[Audited],
    write: sa.Insert | sa.Update,
    changes: Sequence[RowChange],
    public_ids: Mapping[tuple[sa.Column, Any], str] | None = None,
) -> list[Any]:
    """Run a set-based write of ``model``'s rows and append one audit record per changed
    row, in one statement, with the reason rules and listeners of a flush; the primary keys
    of the rows written. ``changes`` must describe exactly what ``write`` (without a
    RETURNING of its own) does: a write of another number of rows raises
    AuditedWriteMismatch, and the transaction must roll back. ``public_ids`` names the
    foreign keys' public ids already known ((column pointed to, key): uuid), the others are
    looked up. The model's objects in the session are expired: they are read again after
    the write."""
    session = db.session()
    assert isinstance(session, ScopedSchemaSession) and session.tenant_schema is not None
    if not changes:
        raise ValueError("a set-based write of audited rows names the changes it makes")
    # Pending changes of the ORM are written (and audited) first: expiring the model's
    # objects after the write would otherwise discard them unrecorded.
    session.flush()
    actor, reason = _actor_and_reason((change.action, model) for change in changes)
    ids = _public_ids(session, [(model, change.pairs) for change in changes], public_ids)
    records = []
    for change in changes:
        values = _values(model, change.pairs, ids)
        records.append(
            record_fields(
                change.action,
                model.__tablename__,
                change.object_id,
                values,
                change.context,
                actor,
                reason,
                _sensitive(model, values),
            )
        )
    (key,) = sa.inspect(model).primary_key
    written = append_records(
        session.connection(), session.tenant_schema, records, write.returning(key)
    )
    if len(written) != len(records):
        # Raised before the records are kept: no listener hears of a write that is undone.
        raise AuditedWriteMismatch(
            f"a set-based write of {model.__tablename__} changed {len(written)} row(s)"
            f" but recorded {len(records)} audit record(s)"
        )
    keep(session, COMMITTED_RECORDS, *records)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model):
            session.expire(obj)
    return written


@event.listens_for(ScopedSchemaSession, "after_flush")
def _audit_flush(session: ScopedSchemaSession, _context: Any) -> None:
    if session.tenant_schema is None:
        return
    entries = _entries(session)
    if not entries:
        return
    actor, reason = _actor_and_reason((action, type(obj)) for action, obj, _ in entries)
    session.info[_FLUSH_CACHE] = {}
    try:
        records = [
            record_fields(
                action,
                type(obj).__tablename__,
                _object_id(obj),
                changes,
                obj.audit_context(),
                actor,
                reason,
                _sensitive(obj, changes),
            )
            for action, obj, changes in entries
        ]
    finally:
        session.info.pop(_FLUSH_CACHE, None)
    _append(session, records)
