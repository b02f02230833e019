"""Database access: the extension, model bases and mixins, schema-scoped sessions."""

from datacapt.database.extension import SHARED_SCHEMA, SharedModel, TenantModel, db
from datacapt.database.mixins import (
    BaseModel,
    SoftDeleteMixin,
    StatusTransitionMixin,
    TrackingMixin,
    utcnow,
)
from datacapt.database.session import current_schema, schema_scope

__all__ = [
    "SHARED_SCHEMA",
    "BaseModel",
    "SharedModel",
    "SoftDeleteMixin",
    "StatusTransitionMixin",
    "TenantModel",
    "TrackingMixin",
    "current_schema",
    "db",
    "schema_scope",
    "utcnow",
]
