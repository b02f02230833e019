"""Fixtures of the subject accounts tests: a tenant with the module, a manager, an open
registration link, and helpers that take a volunteer through sign-up as a browser would."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from datacapt.testing import TenantClient, delivered_body, emails_to, tenant_client, tenant_host
from datacapt.toolkit import TenantRef, tenant_context

PREFIX = "/api/subject-accounts"
PASSWORD = "violet lantern orbit 7731"


@dataclasses.dataclass
class Panel:
    app: Flask
    tenant: TenantRef
    manager: TenantClient
    link: dict[str, Any]

    @property
    def link_token(self) -> str:
        return self.link["url"].split("token=", 1)[1]

    def browser(self) -> TenantClient:
        return tenant_client(self.app).for_host(tenant_host(self.app, self.tenant))

    def emails(self, address: str) -> list[str]:
        """The texts delivered to ``address``, oldest first, links filled in."""
        with self.app.app_context(), tenant_context(self.tenant):
            return [delivered_body(n) for n in emails_to(address)]

    def last_token(self, address: str) -> str:
        found = re.search(r"token=([\w-]+)", self.emails(address)[-1])
        assert found, "no link in the last email"
        return found.group(1)

    def register(
        self, email: str, password: str | None = PASSWORD, language: str = "fr", **fields: Any
    ) -> Any:
        body = {
            "token": self.link_token,
            "first_name": "Ann",
            "last_name": "Moreau",
            "email": email,
            "password": password,
            "language": language,
            **fields,
        }
        return self.browser().post(f"{PREFIX}/register", json=body)

    def volunteer(self, email: str, password: str | None = PASSWORD) -> TenantClient:
        """A registered, verified volunteer's client, logged in."""
        assert self.register(email, password).status_code == 202
        client = self.browser()
        verified: Any = client.post(
            f"{PREFIX}/verify-email", json={"token": self.last_token(email), "password": password}
        )
        assert verified.status_code == 200, verified.json
        client.token = verified.json["token"]
        return client


@pytest.fixture
def make_panel(app, enable_plugins, client_as) -> Callable[[TenantRef], Panel]:
    def make(tenant: TenantRef) -> Panel:
        enable_plugins(tenant, "subject_accounts")
        manager = client_as(tenant, "study_manager")
        link: Any = manager.post(f"{PREFIX}/registration-links/", json={"name": "Panel"})
        assert link.status_code == 201, link.json
        return Panel(app, tenant, manager, link.json)

    return make


@pytest.fixture
def panel(make_panel, tenant) -> Panel:
    return make_panel(tenant)
