"""Fixtures of the eConsult tests: a trial on a Jitsi server (its secret in the
configuration), and the cron entry's tick at a given time."""

from __future__ import annotations

import pytest
import time_machine

from datacapt.testing import run_tick
from plugins.econsult.tests.support import BOOKED_AT, JITSI_URL, SECRET, Trial, make_trial, utc


@pytest.fixture
def clock():
    """The test's time, from BOOKED_AT, standing still until the test moves it."""
    with time_machine.travel(utc(BOOKED_AT), tick=False) as traveller:
        yield traveller


@pytest.fixture
def set_econsult(app, tenant, operator):
    """Change the tenant's eConsult settings as an operator does (the CLI)."""

    def change(**values: object) -> None:
        settings = [item for key, value in values.items() for item in ("--set", f"{key}={value}")]
        result = app.test_cli_runner().invoke(
            args=[
                *("plugins", "settings", tenant.schema_name, "econsult"),
                *settings,
                *("--operator", operator.email),
            ],
            input=f"{operator.password}\n",
        )
        assert result.exit_code == 0, result.output

    return change


@pytest.fixture
def trial(
    clock, app, monkeypatch, join_study, enable_plugins, client_as, make_study, tenant
) -> Trial:
    enable_plugins(tenant, "econsult")
    monkeypatch.setitem(app.config, "DATACAPT_ECONSULT_JITSI_SECRET", SECRET)
    return make_trial(client_as, make_study, join_study, tenant)


@pytest.fixture
def jitsi(trial, set_econsult) -> Trial:
    """The trial on the tenant's Jitsi server."""
    set_econsult(jitsi_url=JITSI_URL)
    return trial


@pytest.fixture
def tick(app, clock):
    """The cron entry's run at a given UTC time (fan-out to tenants, then each tenant)."""

    def run(moment: str) -> None:
        clock.move_to(utc(moment))
        with app.app_context():
            run_tick(
                "datacapt.jobs.cron.tick",
                "plugins.econsult.expiry.close_expired",
                "econsult",
                "default",
            )

    return run
