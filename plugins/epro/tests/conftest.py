"""Fixtures of the ePRO tests: messages go to files, the cron tick runs here, and a trial
with a questionnaire and a subject to include."""

from __future__ import annotations

import pytest
import time_machine

from datacapt.testing import run_tick
from plugins.epro.tests.support import Outbox, Trial, make_trial, utc


@pytest.fixture
def outbox(app, tmp_path, monkeypatch) -> Outbox:
    box = Outbox(tmp_path / "mail", tmp_path / "sms")
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{box.mail_dir}")
    monkeypatch.setitem(app.config, "SMS_URL", f"file://{box.sms_dir}")
    return box


@pytest.fixture
def tick(app):
    """One cron tick of ePRO at a given UTC time (fan-out to tenants, then delivery)."""

    def run(at: str) -> None:
        with time_machine.travel(utc(at), tick=False), app.app_context():
            run_tick("datacapt.jobs.cron.tick", "plugins.epro.delivery.send_due", "epro", "default")

    return run


@pytest.fixture
def trial(join_study, enable_plugins, client_as, make_study, tenant, outbox) -> Trial:
    enable_plugins(tenant, "epro")
    return make_trial(client_as, make_study, join_study, tenant)
