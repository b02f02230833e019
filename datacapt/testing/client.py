"""A Flask test client whose requests go to one tenant's host unless told otherwise."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


class TenantClient(FlaskClient):
    host: str | None = None

    def for_host(self, host: str) -> TenantClient:
        self.host = host
        return self

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if self.host and "base_url" not in kwargs and not kwargs.get("headers", {}).get("Host"):
            kwargs["base_url"] = f"http://{self.host}"
        return super().open(*args, **kwargs)
