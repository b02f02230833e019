"""factory_boy factories for core objects."""

from __future__ import annotations

import uuid

import factory

from datacapt.tenancy.context import TenantRef
from datacapt.tenancy.services import create_tenant, to_ref


class TenantFactory(factory.Factory[TenantRef]):
    """Creates a real tenant (schema, tables, domains); needs an application context."""

    class Meta:
        model = dict

    schema_name = factory.LazyFunction(lambda: f"t_{uuid.uuid4().hex[:12]}")
    name = factory.Faker("company")
    domains = factory.LazyAttribute(lambda o: [f"{o.schema_name.replace('_', '-')}.test"])

    @classmethod
    def _create(cls, model_class, schema_name: str, name: str, domains: list[str]):
        return to_ref(create_tenant(schema_name, name, domains))
