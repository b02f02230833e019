"""One unit of work: the request, the job or the command commits; services only flush.

``unit_of_work()`` is the one place that commits a session. The request wrapper
(datacapt.tenancy.resolver), ``run_job`` and every CLI command run inside one; a job that
must keep each item's outcome commits item by item with ``datacapt.jobs.commit_job_step``,
which is a unit of its own too. Any other ``commit()`` inside a request, job or command
raises, so a service that commits fails its tests instead of splitting its caller's work.

Work that must follow a commit (sending outbox jobs, audit listeners, forgetting cached
hosts) runs from after-commit hooks: ``after_commit(callback)`` for ad hoc callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy import event, orm

from datacapt.database.deferred import drop_rolled_back, keep, outermost, take_committed, waiting
from datacapt.database.extension import db, schema_scope
from datacapt.database.failures import database_unavailable
from datacapt.database.reads import database_transaction_open
from datacapt.database.session import ScopedSchemaSession, current_schema

log = logging.getLogger(__name__)

# Which wrapper owns the current unit ("request", "job", "command"), None outside any.
_owner: ContextVar[str | None] = ContextVar("datacapt_unit_owner", default=None)
_committing: ContextVar[bool] = ContextVar("datacapt_unit_committing", default=False)

_AFTER_COMMIT = "datacapt_after_commit"
_AFTER_ROLLBACK = "datacapt_after_rollback"
_KEEP_ON_ERROR = "datacapt_keep_on_error"


@contextmanager
def owned_by(owner: str) -> Iterator[None]:
    """Mark the block as ``owner``'s unit: inside it, only ``unit_of_work`` commits."""
    token, committing = _owner.set(owner), _committing.set(False)
    try:
        yield
    finally:
        _committing.reset(committing)
        _owner.reset(token)


def commit_unit(closing: bool = False) -> None:
    """Commit the current session: the wrappers' one way to commit.

    ``closing``: the session is closed right after (a request's). A unit that changed
    nothing, keeps nothing for its commit and never opened a database transaction (its
    reads ran outside one: datacapt.database.reads) is then left to that close, which ends
    it as the commit would, without the commit's work: a read-only request's end."""
    session = db.session()
    if closing and not _has_work_to_commit(session):
        return
    token = _committing.set(True)
    try:
        session.commit()
    finally:
        _committing.reset(token)


def _has_work_to_commit(session: orm.Session) -> bool:
    return bool(
        session.new
        or session.dirty
        or session.deleted
        or waiting(session)
        or database_transaction_open(session)
    )


@contextmanager
def unit_of_work(owner: str | None = None) -> Iterator[None]:
    """Commit the current session when the block ends, roll it back when the block raises."""
    token = _owner.set(owner or _owner.get() or "unit of work")
    try:
        yield
        commit_unit()
    except BaseException:
        if kept_on_error():
            commit_unit()
        else:
            rollback_quietly()
        raise
    finally:
        _owner.reset(token)


def commit_job_step() -> None:
    """Commit what the running job did so far, for a job whose items each keep their
    outcome (one message sent and recorded) even if a later item fails. Only a job may."""
    if _owner.get() not in (None, "job"):
        raise RuntimeError("commit_job_step() is for jobs: a request or command commits once")
    commit_unit()


@contextmanager
def separate_unit() -> Iterator[None]:
    """A short transaction of its own in the current schema, committed at the end of the
    block whatever becomes of the caller's (a session's activity seen by a request that
    then fails). Objects of the caller's session do not belong to it: pass ids."""
    with schema_scope(current_schema()), unit_of_work():
        yield


def keep_on_error() -> None:
    """The unit's work so far commits although the unit ends in an error (the request's
    error answer, the command's or job's exception): a failed login's count and lock.
    Call it just before raising, so nothing else joins the unit."""
    db.session().info[_KEEP_ON_ERROR] = True


def kept_on_error() -> bool:
    """Whether the current unit commits although it ends in an error (see keep_on_error)."""
    return bool(db.session().info.pop(_KEEP_ON_ERROR, False))


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits; forgotten if it rolls back."""
    keep(db.session(), _AFTER_COMMIT, callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` if what the current transaction (or savepoint) did is rolled back,
    to undo what lies outside the database (a file moved into storage); forgotten once it
    commits."""
    keep(db.session(), _AFTER_ROLLBACK, callback)


def _run_callbacks(callbacks: list[Callable[[], None]], when: str) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            # The transaction has ended: what follows it cannot change how.
            log.exception("After-%s callback %r failed", when, callback)


def rollback_quietly() -> None:
    """Roll back the current session; a connection the database dropped is discarded,
    never raised about."""
    try:
        db.session().rollback()
    except sa.exc.SQLAlchemyError as exc:
        if not database_unavailable(exc):
            raise
        log.warning("Rollback on a lost database connection: %s", exc)


@event.listens_for(ScopedSchemaSession, "before_commit")
def _only_the_unit_commits(session: orm.Session) -> None:
    owner = _owner.get()
    if owner is not None and not _committing.get() and outermost(session):
        raise RuntimeError(
            f"commit() inside a {owner}: services flush, the {owner}'s unit of work commits"
        )


@event.listens_for(ScopedSchemaSession, "after_commit")
def _run_after_commit(session: orm.Session) -> None:
    if outermost(session):
        session.info.pop(_KEEP_ON_ERROR, None)
    take_committed(session, _AFTER_ROLLBACK)
    _run_callbacks(take_committed(session, _AFTER_COMMIT), "commit")


@event.listens_for(ScopedSchemaSession, "after_rollback")
def _forget_after_rollback(session: orm.Session) -> None:
    drop_rolled_back(session, _AFTER_COMMIT)
    _run_callbacks(drop_rolled_back(session, _AFTER_ROLLBACK), "rollback")
    if outermost(session):
        session.info.pop(_KEEP_ON_ERROR, None)
