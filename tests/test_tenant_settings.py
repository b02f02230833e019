"""The tenant's settings: administrators read and change them; values are validated."""

from __future__ import annotations

import pytest


@pytest.mark.requirement("A11-10", "E6-4.3.3")
def test_administrators_change_the_session_and_lockout_policy(client_as, tenant):
    admin = client_as(tenant)
    assert admin.get("/api/tenant/settings").json == {
        "time_zone": "UTC",
        "default_language": "en",
        "session_idle_minutes": 30,
        "session_lifetime_hours": 12,
        "max_failed_logins": 5,
        "lockout_minutes": 30,
        "cors_origins": [],
        "languages": ["en", "fr"],
        "brand_name": None,
        "logo_url": None,
        "primary_color": None,
        "secondary_color": None,
        "sender_name": None,
        "sender_address": None,
        "sms_sender": None,
        "sender_domains": [],
        "retention_days": {},
    }
    changed = admin.patch(
        "/api/tenant/settings",
        json={"time_zone": "Europe/Paris", "default_language": "fr", "max_failed_logins": 3},
    )
    assert changed.status_code == 200 and changed.json["time_zone"] == "Europe/Paris"
    assert admin.get("/api/tenant/").json["default_language"] == "fr"


def test_bad_settings_are_refused_and_nothing_changes(client_as, tenant):
    admin = client_as(tenant)
    bad = admin.patch(
        "/api/tenant/settings",
        json={"time_zone": "Mars/Olympus", "session_idle_minutes": 0, "lockout_minutes": -1},
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {
        "time_zone",
        "session_idle_minutes",
        "lockout_minutes",
    }
    assert admin.get("/api/tenant/settings").json["time_zone"] == "UTC"


def test_settings_of_one_tenant_leave_another_untouched(client_as, tenant, other_tenant):
    client_as(tenant).patch("/api/tenant/settings", json={"session_idle_minutes": 5})
    assert client_as(other_tenant).get("/api/tenant/settings").json["session_idle_minutes"] == 30
