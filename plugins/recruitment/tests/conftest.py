"""Fixtures of the recruitment tests: a clinical study with a recruitment (support.py),
the tests standing before the slots' day."""

from __future__ import annotations

import pytest
import time_machine

from plugins.recruitment.tests.support import Trial, make_trial, utc


@pytest.fixture
def clock():
    with time_machine.travel(utc("2030-03-01T08:00:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def trial(clock, app, tenant, client_as, make_study, client_for, enable_plugins) -> Trial:
    enable_plugins(tenant, "recruitment")
    return make_trial(app, tenant, client_as, make_study, client_for)
