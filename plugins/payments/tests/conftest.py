"""Fixtures of the payments tests: a study paying its participants (support.py)."""

from __future__ import annotations

import pytest

from plugins.payments.tests.support import Trial, make_trial


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "payments")
    return make_trial(app, client_as, make_study, join_study, tenant)
