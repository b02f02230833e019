"""Fixtures of the templates tests: a library with its team (support.py)."""

from __future__ import annotations

import pytest

from plugins.templates.tests.support import Library, make_library


@pytest.fixture
def library(join_study, enable_plugins, client_as, make_study, tenant) -> Library:
    enable_plugins(tenant, "templates")
    return make_library(client_as, make_study, join_study, tenant)
