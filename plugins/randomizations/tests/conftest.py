"""Fixtures of the randomization tests: a trial ready to be randomized (support.py)."""

from __future__ import annotations

import pytest

from plugins.randomizations.tests.support import Trial, make_trial


@pytest.fixture
def trial(join_study, enable_plugins, client_as, make_study, tenant) -> Trial:
    enable_plugins(tenant, "randomizations")
    return make_trial(client_as, make_study, join_study, tenant)
