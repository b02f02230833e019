"""Fixtures of the allocation tests: a randomized trial with its products (support.py)."""

from __future__ import annotations

import pytest

from plugins.allocation.tests.support import Trial, make_trial


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "allocation")
    return make_trial(app, client_as, make_study, join_study, tenant)
