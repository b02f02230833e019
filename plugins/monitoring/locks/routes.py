"""The locks endpoints of the study named by the Study-Uuid header: the study's freezes
and locks, and freezing, locking, unfreezing and unlocking a target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datacapt.toolkit import ApiView, Blueprint, Study, current_study, paginate
from plugins.monitoring import permissions
from plugins.monitoring.locks import services
from plugins.monitoring.locks.models import DataLock
from plugins.monitoring.locks.schemas import (
    DataLockReadSchema,
    DataLockSearchSchema,
    DataLockWriteSchema,
)

blp = Blueprint(
    "monitoring_locks",
    __name__,
    url_prefix="/api/monitoring/locks",
    description="Monitoring: freeze and lock",
)

TARGET_ERRORS = (
    {
        403: "A visit or the whole study spans every center: the caller must see them all "
        "(LOCK_ALL_CENTERS_REQUIRED)."
    },
    {404: "No such subject, section or center in the study, as the caller sees it."},
)
NOT_IN_STATE = {
    409: "The target is not in a state this action applies to; details.status says where "
    "it is (LOCK_TRANSITION_REFUSED)."
}
REASON_NEEDED = {422: "Without a reason for change (REASON_FOR_CHANGE_REQUIRED)."}


def _on_target(action: Callable[[Study, services.Target], Any], given: dict[str, Any]) -> Any:
    study = current_study()
    return action(study, services.resolve_target(study, given))


@blp.route("/")
class Locks(ApiView):
    permissions_registry = {"GET": permissions.LOCKS_ACCESS}

    @blp.arguments(DataLockSearchSchema, location="query")
    @blp.response(200, DataLockReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's freezes and locks, in force and released, newest first."""
        return paginate(services.list_locks(current_study(), **filters), pagination_parameters)


@blp.route("/<uuid:lock_uuid>")
class LockDetail(ApiView):
    permissions_registry = {"GET": permissions.LOCKS_ACCESS}

    @blp.response(200, DataLockReadSchema)
    def get(self, lock_uuid):
        return services.get_lock(current_study(), lock_uuid)


@blp.route("/freeze")
class Freeze(ApiView):
    permissions_registry = {"POST": permissions.FREEZE}

    @blp.arguments(DataLockWriteSchema)
    @blp.errors(
        *TARGET_ERRORS,
        {409: "A lock holds the target: locked data is not frozen (DATA_LOCKED)."},
        NOT_IN_STATE,
    )
    @blp.response(201, DataLockReadSchema)
    def post(self, data) -> DataLock:
        """Freeze a target: its answers no longer change, while queries, verification and
        signatures go on. A reason for change is kept when given."""
        return _on_target(services.freeze, data)


@blp.route("/lock")
class Lock(ApiView):
    permissions_registry = {"POST": permissions.LOCK}

    @blp.arguments(DataLockWriteSchema)
    @blp.errors(
        *TARGET_ERRORS,
        {
            409: "Queries on the target are unresolved; details.queries counts them "
            "(LOCK_QUERIES_UNRESOLVED)."
        },
        NOT_IN_STATE,
    )
    @blp.response(201, DataLockReadSchema)
    @blp.alt_response(200, schema=DataLockReadSchema, description="The freeze became a lock")
    def post(self, data):
        """Lock a target, frozen or not: nothing about its data changes any more. Refused
        while queries on it are unresolved. A reason for change is kept when given."""
        hold, created = _on_target(services.lock, data)
        return hold, 201 if created else 200


@blp.route("/unfreeze")
class Unfreeze(ApiView):
    permissions_registry = {"POST": permissions.UNFREEZE}

    @blp.arguments(DataLockWriteSchema)
    @blp.errors(*TARGET_ERRORS, NOT_IN_STATE, REASON_NEEDED)
    @blp.response(200, DataLockReadSchema)
    def post(self, data) -> DataLock:
        """Release the target's freeze; needs a reason for change."""
        return _on_target(services.unfreeze, data)


@blp.route("/unlock")
class Unlock(ApiView):
    permissions_registry = {"POST": permissions.UNLOCK}

    @blp.arguments(DataLockWriteSchema)
    @blp.errors(*TARGET_ERRORS, NOT_IN_STATE, REASON_NEEDED)
    @blp.response(200, DataLockReadSchema)
    def post(self, data) -> DataLock:
        """Release the target's lock (it is open again, not frozen); needs a reason for
        change."""
        return _on_target(services.unlock, data)
