"""Fixtures of the product database tests: a catalogue with its team (support.py)."""

from __future__ import annotations

import pytest

from plugins.product_database.tests.support import Catalogue, make_catalogue


@pytest.fixture
def catalogue(join_study, enable_plugins, client_as, make_study, tenant) -> Catalogue:
    enable_plugins(tenant, "product_database")
    return make_catalogue(client_as, make_study, join_study, tenant)
