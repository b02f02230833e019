"""Fixtures of the subject_repository tests: a tenant with the panel, its administrator
(who is the DPO), a study manager, and a helper calling the plugin's services inside it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from datacapt.testing import TenantClient, unit_of_work
from datacapt.toolkit import TenantRef, tenant_context


@dataclasses.dataclass
class Panel:
    app: Flask
    tenant: TenantRef
    admin: TenantClient  # holds subject_repository.dpo
    manager: TenantClient  # study manager: panel, personal data; not the DPO

    @contextmanager
    def inside(self) -> Iterator[None]:
        """Services called in the tenant, committed at the end of the block."""
        with self.app.app_context(), tenant_context(self.tenant), unit_of_work():
            yield

    def call(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.inside():
            return service(*args, **kwargs)


@pytest.fixture
def panel(app, enable_plugins, client_as, tenant) -> Panel:
    enable_plugins(tenant, "subject_repository")
    return Panel(app, tenant, client_as(tenant), client_as(tenant, "study_manager"))
