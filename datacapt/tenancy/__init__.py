"""Tenancy: one PostgreSQL schema per customer, resolved from the request's host."""

from datacapt.tenancy.context import (
    TenantRef,
    current_tenant,
    current_tenant_or_none,
    tenant_context,
)

__all__ = ["TenantRef", "current_tenant", "current_tenant_or_none", "tenant_context"]
