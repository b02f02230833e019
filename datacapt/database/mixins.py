"""Model building blocks from the seed: BaseModel, soft delete, status transitions, tracking."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database.session import ScopedSchemaSession
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TrackingMixin:
    """``tracked_changes``: the column values changed since load, as {name: (old, new)}."""

    @property
    def tracked_changes(self) -> dict[str, tuple[Any, Any]]:
        state = sa.inspect(self)
        changes: dict[str, tuple[Any, Any]] = {}
        for attr in state.mapper.column_attrs:
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = (old, new)
        return changes


class BaseModel(TrackingMixin):
    """Internal integer key, public UUID (the only id clients see) and UTC timestamps."""

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=sa.func.now())
    modified_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )


class SoftDeleteMixin:
    """Rows are marked deleted, hidden from ordinary queries and restorable, never removed.

    Queries see deleted rows only with ``execution_options(include_deleted=True)``.
    """

    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self) -> None:
        if self.deleted_at is None:
            self.deleted_at = utcnow()

    def restore(self) -> None:
        self.deleted_at = None


@event.listens_for(ScopedSchemaSession, "do_orm_execute")
def _hide_soft_deleted(state: orm.ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_deleted", False)
    ):
        state.statement = state.statement.options(
            orm.with_loader_criteria(
                SoftDeleteMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
            )
        )


class StatusTransitionMixin:
    """A ``status`` that may only move along ``allowed_status_transitions``.

    Subclasses declare the column, the map {from_status: {to_status, ...}} and
    ``status_subject``, how a refusal names the thing (``Message("The subject")``).
    """

    allowed_status_transitions: ClassVar[Mapping[str, Collection[str]]] = {}
    status_subject: ClassVar[Message] = Message("This record")
    status: Mapped[str]

    def transition_to(self, new_status: str) -> None:
        self._check_transition(self.status, new_status)
        self.status = new_status

    @classmethod
    def _check_transition(cls, old: str, new: str) -> None:
        if old == new or new in cls.allowed_status_transitions.get(old, ()):
            return
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.ILLEGAL_STATUS_TRANSITION,
            Message(
                "{thing} cannot go from status “{old}” to “{new}”.",
                thing=cls.status_subject,
                old=old,
                new=new,
            ),
            details={
                "from": old,
                "to": new,
                "allowed": sorted(cls.allowed_status_transitions.get(old, ())),
            },
        )


@event.listens_for(StatusTransitionMixin, "before_update", propagate=True)
def _enforce_status_transitions(_mapper: Any, _connection: Any, target: Any) -> None:
    """Also guards direct assignment of ``status``, which bypasses transition_to()."""
    history = sa.inspect(target).attrs.status.history
    if history.deleted and history.added:
        target._check_transition(history.deleted[0], history.added[0])


def _load_old_values_before_change(mapper: orm.Mapper, _class: type) -> None:
    """Keep the old value of every column when it changes, even if it was expired.

    Without this a value set after a commit (which expires attributes) has no old value
    in its history: tracked_changes and the transition check would see none.
    """
    for prop in mapper.column_attrs:
        mapper.class_manager[prop.key].impl.active_history = True


for _mixin in (TrackingMixin, StatusTransitionMixin):
    event.listen(_mixin, "mapper_configured", _load_old_values_before_change, propagate=True)
