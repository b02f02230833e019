"""Fixtures of the analytics tests: a study followed on the dashboards (support.py)."""

from __future__ import annotations

import pytest

from plugins.analytics.tests.support import Trial, make_trial


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "analytics")
    return make_trial(app, client_as, make_study, join_study, tenant)
