"""Fixtures of the calendar tests: a study with an eCRF and a visit schedule's team
(support.py), messages written to files."""

from __future__ import annotations

import pytest

from plugins.calendar_app.tests.support import Trial, make_trial


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path / 'mail'}")
    monkeypatch.setitem(app.config, "SMS_URL", f"file://{tmp_path / 'sms'}")
    return tmp_path


@pytest.fixture
def trial(app, join_study, enable_plugins, client_as, make_study, tenant, outbox) -> Trial:
    enable_plugins(tenant, "ecrf", "calendar_app")
    return make_trial(app, client_as, make_study, join_study, tenant)
