"""Fixtures of the eConsent tests: a study with its team and eCRF (support.py)."""

from __future__ import annotations

import pytest

from plugins.econsent.tests.support import Trial, make_trial


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "ecrf", "econsent")
    return make_trial(app, client_as, make_study, join_study, tenant)
