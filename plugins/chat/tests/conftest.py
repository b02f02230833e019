"""Fixtures of the chat tests: a study's team and subject at a fixed time, the tenant's
chat settings as an operator sets them, and the retention's nightly run."""

from __future__ import annotations

import pytest
import time_machine

from datacapt.testing import run_tick
from plugins.chat.tests.support import START, Team, make_team, utc


@pytest.fixture
def clock():
    """The test's time, from START, standing still until the test moves it."""
    with time_machine.travel(utc(START), tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(clock, enable_plugins, client_as, make_study, join_study, tenant) -> Team:
    enable_plugins(tenant, "chat")
    return make_team(client_as, make_study, join_study, tenant)


@pytest.fixture
def set_chat(app, tenant, operator):
    """Change the tenant's chat settings as an operator does (the CLI)."""

    def change(**values: object) -> None:
        settings = [item for key, value in values.items() for item in ("--set", f"{key}={value}")]
        result = app.test_cli_runner().invoke(
            args=[
                *("plugins", "settings", tenant.schema_name, "chat"),
                *settings,
                *("--operator", operator.email),
            ],
            input=f"{operator.password}\n",
        )
        assert result.exit_code == 0, result.output

    return change


@pytest.fixture
def nightly(app, clock):
    """The retention's run at a given UTC time (fan-out to tenants, then each tenant)."""

    def run(moment: str) -> None:
        clock.move_to(utc(moment))
        with app.app_context():
            run_tick(
                "datacapt.jobs.cron.tick",
                "plugins.chat.retention.remove_old_messages",
                "chat",
                "default",
            )

    return run
