"""The current tenant of a request, job or command, and ``tenant_context`` to enter one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy as sa

from datacapt.database import db, schema_scope, unit_of_work
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, not_found
from datacapt.tenancy.models import Tenant


@dataclass(frozen=True)
class TenantRef:
    """What code needs to know of the current tenant, independent of any session."""

    id: int
    uuid: uuid.UUID
    schema_name: str
    name: str
    status: str


# What a TenantRef holds, read without loading the tenant (and its domains).
REF_COLUMNS = (Tenant.id, Tenant.uuid, Tenant.schema_name, Tenant.name, Tenant.status)


def get_tenant(schema_name: str) -> TenantRef:
    """The tenant of a schema name, active or archived; TENANT_NOT_FOUND otherwise."""
    row = db.session.execute(
        sa.select(*REF_COLUMNS).where(Tenant.schema_name == schema_name)
    ).one_or_none()
    if row is None:
        raise not_found(f"No tenant {schema_name!r}", internal_code=InternalCodes.TENANT_NOT_FOUND)
    return TenantRef(*row)


_current: ContextVar[TenantRef | None] = ContextVar("datacapt_current_tenant", default=None)


def current_tenant_or_none() -> TenantRef | None:
    return _current.get()


def current_tenant() -> TenantRef:
    tenant = _current.get()
    if tenant is None:
        raise DatacaptException(
            ErrorCode.INTERNAL_ERROR,
            InternalCodes.TENANT_REQUIRED,
            "This code must run inside a tenant (a request host, a job or tenant_context)",
        )
    return tenant


@contextmanager
def tenant_context(tenant: TenantRef | str) -> Iterator[TenantRef]:
    """Run the block inside ``tenant`` (a TenantRef or a schema name) with its own session.

    The session used inside is new and closed on exit, so no identity map or transaction
    is ever shared between two tenants (or with the caller).
    """
    if isinstance(tenant, str):
        # Looked up in a scope of its own: the caller's session may be mid-commit.
        with schema_scope(None):
            tenant = get_tenant(tenant)
    with schema_scope(tenant.schema_name):
        reset_token = _current.set(tenant)
        try:
            yield tenant
        finally:
            _current.reset(reset_token)


@contextmanager
def in_tenant(schema: str) -> Iterator[TenantRef]:
    """A command's work inside one tenant: committed when the block ends, rolled back if
    it raises (the tenant has a session of its own, apart from the command's)."""
    with tenant_context(schema) as tenant, unit_of_work():
        yield tenant
