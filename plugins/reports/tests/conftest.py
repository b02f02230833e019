"""Fixtures of the reports tests: a monitored trial with data entered (support.py)."""

from __future__ import annotations

import pytest

from plugins.reports.tests.support import Trial, make_trial


@pytest.fixture
def trial(join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "reports", "monitoring")
    return make_trial(client_as, make_study, join_study, tenant)
