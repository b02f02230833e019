"""A Flask test client addressed to one tenant's host, optionally logged in."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from datacapt.database import db
from datacapt.tenancy.context import TenantRef


class TenantClient(FlaskClient):
    host: str | None = None
    token: str | None = None
    user: Any = None

    def for_host(self, host: str) -> TenantClient:
        self.host = host
        return self

    def open(self, *args: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.host and "base_url" not in kwargs and "Host" not in headers:
            kwargs["base_url"] = f"http://{self.host}"
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return super().open(*args, headers=headers, **kwargs)


def tenant_host(app: Flask, tenant: TenantRef) -> str:
    """The first domain of ``tenant``: the host a client addresses it by."""
    from datacapt.tenancy.models import Domain

    with app.app_context():
        return db.session.execute(
            db.select(Domain.domain)
            .where(Domain.tenant_id == tenant.id)
            .order_by(Domain.id)
            .limit(1)
        ).scalar_one()


def tenant_client(app: Flask) -> TenantClient:
    """``app.test_client()``, typed: the test apps' ``test_client_class`` is TenantClient."""
    client = app.test_client()
    assert isinstance(client, TenantClient)
    return client
