"""Database access: the extension, model bases and mixins, schema-scoped sessions, the
unit of work."""

from datacapt.database.cache import transaction_cached
from datacapt.database.extension import SHARED_SCHEMA, SharedModel, TenantModel, db, schema_scope
from datacapt.database.lookup import get_by_uuid, one_or_404
from datacapt.database.mixins import (
    BaseModel,
    SoftDeleteMixin,
    StatusTransitionMixin,
    TrackingMixin,
    utcnow,
)
from datacapt.database.session import current_schema
from datacapt.database.unit import (
    after_commit,
    after_rollback,
    keep_on_error,
    separate_unit,
    unit_of_work,
)

__all__ = [
    "SHARED_SCHEMA",
    "BaseModel",
    "SharedModel",
    "SoftDeleteMixin",
    "StatusTransitionMixin",
    "TenantModel",
    "TrackingMixin",
    "after_commit",
    "after_rollback",
    "current_schema",
    "db",
    "get_by_uuid",
    "keep_on_error",
    "one_or_404",
    "schema_scope",
    "separate_unit",
    "transaction_cached",
    "unit_of_work",
    "utcnow",
]
