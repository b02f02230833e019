"""Fixtures of the data analysis tests: a study with a known data set (support.py)."""

from __future__ import annotations

import pytest

from plugins.data_analysis.tests.support import Trial, make_trial


@pytest.fixture
def trial(join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "data_analysis")
    return make_trial(client_as, make_study, join_study, tenant)
