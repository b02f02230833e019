"""Fixtures of the automations tests: a study with rules (support.py)."""

from __future__ import annotations

import pytest

from plugins.automations.tests.support import DIARY, Site, make_site


@pytest.fixture
def site(app, join_study, enable_plugins, client_as, make_study, tenant) -> Site:
    enable_plugins(tenant, "automations", "ecrf", "monitoring")
    return make_site(app, client_as, make_study, join_study, tenant)


@pytest.fixture
def site_without_monitoring(app, join_study, enable_plugins, client_as, make_study, tenant) -> Site:
    enable_plugins(tenant, "automations", "ecrf")
    return make_site(app, client_as, make_study, join_study, tenant)


@pytest.fixture
def epro_site(app, join_study, enable_plugins, client_as, make_study, tenant) -> Site:
    enable_plugins(tenant, "automations", "ecrf", "epro")
    site = make_site(app, client_as, make_study, join_study, tenant)
    created = site.manager.post("/api/epro/questionnaires/", json=DIARY, headers=site.headers)
    assert created.status_code == 201, created.json
    return site


@pytest.fixture
def calendar_site(app, join_study, enable_plugins, client_as, make_study, tenant) -> Site:
    enable_plugins(tenant, "automations", "ecrf", "calendar_app")
    return make_site(app, client_as, make_study, join_study, tenant)
