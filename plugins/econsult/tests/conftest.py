"""Fixtures of the eConsult tests: a trial on a Jitsi server (its secret in the
configuration), and the cron entry's tick at a given time."""

from __future__ import annotations

import pytest

from datacapt.testing import run_tick
from plugins.econsult.tests.support import JITSI_URL, SECRET, Trial, at, make_trial


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
    app, monkeypatch, join_study, enable_plugins, client_as, make_study, tenant, set_econsult
) -> Trial:
    enable_plugins(tenant, "econsult")
    monkeypatch.setitem(app.config, "DATACAPT_ECONSULT_JITSI_SECRET", SECRET)
    set_econsult(jitsi_url=JITSI_URL)
    return make_trial(client_as, make_study, join_study, tenant)


@pytest.fixture
def tick(app):
    """The cron entry's run at a given UTC time (fan-out to tenants, then each tenant)."""

    def run(moment: str) -> None:
        with at(moment), app.app_context():
            run_tick(
                "datacapt.jobs.cron.tick",
                "plugins.econsult.expiry.close_expired",
                "econsult",
                "default",
            )

    return run
