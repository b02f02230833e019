"""Fixtures of the exports tests: a study with data entered through the eCRF (support.py)."""

from __future__ import annotations

import pytest

from plugins.exports.tests.support import Trial, make_trial


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "exports")
    return make_trial(app, client_as, make_study, join_study, tenant)
