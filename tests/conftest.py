"""The platform's own tests run on an app that also serves the notes test resource."""

from __future__ import annotations

import pytest
from flask import Flask

from datacapt.app import create_app
from datacapt.migrating.lineages import register_tenant_lineage
from datacapt.testing.client import TenantClient
from datacapt.testing.pytest_plugin import settings_for_tests
from tests.notes_app import NOTES_LINEAGE
from tests.notes_app import blp as notes_blp

MAX_BODY = 4096


@pytest.fixture(scope="session")
def app(_test_database: str) -> Flask:
    app = create_app(
        settings_for_tests(
            database_url=_test_database,
            max_content_length=MAX_BODY,
            extra={"PROPAGATE_EXCEPTIONS": False},
        )
    )
    app.test_client_class = TenantClient
    register_tenant_lineage(app, NOTES_LINEAGE)
    app.extensions["datacapt.api"].register_blueprint(notes_blp)
    return app
