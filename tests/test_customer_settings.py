"""Customer settings: branding, languages offered, retention and the modules' settings, set by
the tenant's administrators or by operators, validated, audited, applied to the frontend's
public read, to the emails and to what users pick; another tenant sees none of it."""

from __future__ import annotations

import email
import email.policy
import io
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from datacapt.audit.models import AuditRecord
from datacapt.database import db, unit_of_work
from datacapt.notifications import Channel, Notification, Recipient, RecipientKind, notify
from datacapt.plugins.services import SECRET_SHOWN, update_settings
from datacapt.tenancy import tenant_context
from datacapt.tenancy.retention import tenant_retention
from datacapt.tenancy.services import archive_tenant
from datacapt.testing import tenant_client, tenant_host
from tests.plugin_kit import FakePlugin, SettingsSchema
from tests.test_plugin_toggles import as_operator, operator_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BRANDING = {
    "brand_name": "Acme Trials",
    "primary_color": "#1A73E8",
    "secondary_color": "#ffffff",
    "sender_name": "Acme Trials team",
    "sms_sender": "+336123456789012",
    "languages": ["en", "fr", "pt-br"],
    "retention_days": {"closed_chats": 365, "export_files": 30},
}


def settings_records(app, tenant) -> list[AuditRecord]:
    with app.app_context(), tenant_context(tenant):
        return list(
            db.session.execute(
                sa.select(AuditRecord)
                .where(AuditRecord.object_type == "tenant_settings")
                .order_by(AuditRecord.sequence)
            ).scalars()
        )


def upload_logo(client, content: bytes, kind: str = "image/png"):
    return client.put(
        "/api/tenant/settings/logo",
        data={"file": (io.BytesIO(content), "logo.png", kind)},
        content_type="multipart/form-data",
    )


def mails(directory: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    ]


def test_administrators_brand_the_customer_and_the_frontend_reads_it_without_login(
    app, client_as, client_for, tenant, other_tenant, monkeypatch
):
    admin = client_as(tenant)
    changed = admin.patch("/api/tenant/settings", json=BRANDING)
    assert changed.status_code == 200, changed.json
    assert changed.json["languages"] == ["en", "fr", "pt-BR"]  # canonical tags
    assert changed.json["retention_days"] == {"closed_chats": 365, "export_files": 30}

    logo = upload_logo(admin, PNG)
    assert logo.status_code == 200, logo.json
    logo_url = logo.json["logo_url"]
    assert logo_url.startswith("http://localhost:5000/api/tenant/logo?v=")

    anonymous = client_for(tenant)
    public = anonymous.get("/api/tenant/").json
    assert public == {
        "uuid": str(tenant.uuid),
        "name": "Acme Trials",
        "logo_url": logo_url,
        "primary_color": "#1A73E8",
        "secondary_color": "#ffffff",
        "time_zone": "UTC",
        "default_language": "en",
        "languages": ["en", "fr", "pt-BR"],
    }
    served = anonymous.get(logo_url.removeprefix("http://localhost:5000"))
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"

    # A retention set is what modules read; a kind left unset leaves them their default.
    with app.app_context(), tenant_context(tenant):
        assert tenant_retention("closed_chats") == 365
        assert tenant_retention("export_files") == 30
    unset = admin.patch("/api/tenant/settings", json={"retention_days": {"export_files": None}})
    assert unset.json["retention_days"] == {"closed_chats": 365}
    with app.app_context(), tenant_context(tenant):
        assert tenant_retention("export_files") is None

    # The other tenant keeps the platform's look, and has no logo.
    other_public = client_for(other_tenant).get("/api/tenant/").json
    assert other_public["name"] == other_tenant.name and other_public["logo_url"] is None
    assert client_for(other_tenant).get("/api/tenant/logo").status_code == 404
    other_settings = client_as(other_tenant).get("/api/tenant/settings").json
    assert other_settings["brand_name"] is None and other_settings["retention_days"] == {}

    # Every change is in the tenant's trail with the values before and after.
    records = settings_records(app, tenant)
    assert [r.action for r in records] == ["update", "update", "update"]
    assert records[0].changes["brand_name"] == [None, "Acme Trials"]
    assert records[0].changes["languages"] == [["en", "fr"], ["en", "fr", "pt-BR"]]
    assert records[1].changes["logo_file"][0] is None
    assert records[2].changes["retention_days"] == [
        {"closed_chats": 365, "export_files": 30},
        {"closed_chats": 365},
    ]
    assert records[0].actor_id == str(admin.user.uuid)
    assert settings_records(app, other_tenant) == []

    removed = admin.delete("/api/tenant/settings/logo")
    assert removed.status_code == 200 and removed.json["logo_url"] is None
    assert anonymous.get("/api/tenant/logo").status_code == 404


def test_bad_settings_are_refused_with_their_fields_and_nothing_changes(
    app, client_as, tenant, monkeypatch
):
    admin = client_as(tenant)
    bad = admin.patch(
        "/api/tenant/settings",
        json={
            "brand_name": "x" * 1000,
            "primary_color": "red",
            "secondary_color": "#12345",
            "sender_name": "Evil\r\nBcc: all@example.org",
            "sender_address": "not an address",
            "sms_sender": "+3361234567890123",
            "languages": ["en", "xx", 7],
            "retention_days": {"audit": 10, "closed_chats": 0},
            "sender_domains": ["example.org"],  # the operators' to set
            "logo_url": "https://evil.example/logo.png",
        },
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {
        "brand_name",
        "primary_color",
        "secondary_color",
        "sender_name",
        "sender_address",
        "sms_sender",
        "languages",
        "retention_days",
        "sender_domains",
        "logo_url",
    }
    wrong_types = admin.patch(
        "/api/tenant/settings",
        json={"languages": "en", "retention_days": ["closed_chats"], "brand_name": 3},
    )
    assert wrong_types.status_code == 422
    assert set(wrong_types.json["error"]["fields"]) == {"languages", "retention_days", "brand_name"}

    # Values that validate alone but not together: refused whole, naming each field.
    apart = admin.patch(
        "/api/tenant/settings",
        json={"languages": ["fr"], "sender_address": "trials@elsewhere.example", "brand_name": "B"},
    )
    assert apart.status_code == 422
    assert set(apart.json["error"]["fields"]) == {"default_language", "sender_address"}
    assert "localhost" in apart.json["error"]["fields"]["sender_address"][0]

    for content, kind in ((b"%PDF-1.7 a document", "application/pdf"), (b"not a png", "image/png")):
        refused = upload_logo(admin, content, kind)
        assert refused.status_code == 422
        assert refused.json["error"]["internal_name"] == "FILE_REFUSED"
    monkeypatch.setattr("datacapt.customer.services.LOGO_MAX_BYTES", 16)
    assert upload_logo(admin, PNG).status_code == 422
    files_dir = Path(app.config["DATACAPT_FILES_DIR"]) / tenant.schema_name
    assert not files_dir.exists() or not [p for p in files_dir.iterdir() if p.is_file()]

    settings = admin.get("/api/tenant/settings").json
    assert settings["languages"] == ["en", "fr"] and settings["brand_name"] is None
    assert settings["logo_url"] is None and settings["retention_days"] == {}
    assert settings_records(app, tenant) == []


def test_only_administrators_read_and_change_the_settings(client_as, client_for, tenant):
    manager = client_as(tenant, "study_manager")
    assert manager.get("/api/tenant/settings").status_code == 403
    assert manager.patch("/api/tenant/settings", json={"brand_name": "Mine"}).status_code == 403
    assert upload_logo(manager, PNG).status_code == 403
    assert manager.delete("/api/tenant/settings/logo").status_code == 403
    assert manager.get("/api/tenant/settings/modules").status_code == 403
    anonymous = client_for(tenant)
    assert anonymous.patch("/api/tenant/settings", json={"brand_name": "Mine"}).status_code == 401
    assert client_as(tenant).get("/api/tenant/").json["name"] == tenant.name


def test_the_languages_offered_are_those_users_and_invitees_may_pick(client_as, tenant):
    admin = client_as(tenant)
    refused = admin.patch("/api/users/me", json={"language": "de"})
    assert refused.status_code == 422 and "language" in refused.json["error"]["fields"]
    invited = admin.post("/api/invitations/", json={"email": "new@example.org", "language": "de"})
    assert invited.status_code == 422 and "language" in invited.json["error"]["fields"]

    admin.patch("/api/tenant/settings", json={"languages": ["en", "de"], "default_language": "de"})
    assert admin.patch("/api/users/me", json={"language": "de"}).json["language"] == "de"
    assert admin.patch("/api/users/me", json={"language": "fr"}).status_code == 422


@pytest.fixture
def settings_app(app_with_plugins):
    return app_with_plugins(FakePlugin("base", settings_schema=SettingsSchema), plugins=())


def test_operators_change_any_tenants_settings_and_emails_carry_its_branding(
    settings_app, operator, tenant, other_tenant, client_as, enable_plugins, tmp_path, monkeypatch
):
    monkeypatch.setitem(settings_app.config, "MAIL_URL", f"file://{tmp_path}")
    client = tenant_client(settings_app)
    token = operator_token(client, operator)
    url = f"/api/operator/tenants/{tenant.schema_name}/settings"
    assert as_operator(client, "GET", url, None).status_code == 401

    changed = as_operator(
        client,
        "PATCH",
        url,
        token,
        json={
            "sender_domains": ["Trials.Acme.example"],
            "sender_address": "no-reply@trials.acme.example",
            "sender_name": "Acme Trials",
            "brand_name": "Acme Trials",
        },
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["sender_domains"] == ["trials.acme.example"]
    logo = client.put(
        f"{url}/logo",
        data={"file": (io.BytesIO(PNG), "logo.png", "image/png")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}", "Host": "ops.example.org"},
    )
    assert logo.status_code == 200 and logo.json["logo_url"]
    bad = as_operator(client, "PATCH", url, token, json={"sender_domains": ["not a domain"]})
    assert bad.status_code == 422 and "sender_domains" in bad.json["error"]["fields"]
    unknown = as_operator(client, "GET", "/api/operator/tenants/nobody/settings", token)
    assert unknown.status_code == 404

    records = settings_records(settings_app, tenant)
    assert records[0].actor_type == "operator" and records[0].actor_id == operator.email
    assert records[0].changes["sender_domains"] == [[], ["trials.acme.example"]]
    assert (
        as_operator(
            client, "GET", f"/api/operator/tenants/{other_tenant.schema_name}/settings", token
        ).json["sender_domains"]
        == []
    )

    # The email a user of the tenant asks for comes from its sender, under its name.
    user = client_as(tenant, on_app=settings_app)
    host = tenant_host(settings_app, tenant)
    asked = client.post(
        "/api/auth/password-reset", json={"email": user.user.email}, headers={"Host": host}
    )
    assert asked.status_code in (200, 202, 204)
    (message,) = mails(tmp_path)
    assert message["From"] == "Acme Trials <no-reply@trials.acme.example>"
    assert message["Subject"] == "Reset your Acme Trials password"
    assert "your account at Acme Trials" in message.get_content()

    # Each enabled module's settings with their schema, secrets masked, for both readers.
    enable_plugins(tenant, "base", on_app=settings_app)
    with settings_app.app_context():
        update_settings(tenant.schema_name, "base", {"token": "s3cret"}, "operator:test")
    listed = user.get("/api/tenant/settings/modules")
    assert listed.status_code == 200
    (base,) = listed.json
    assert base["name"] == "base"
    assert base["settings"] == {"limit": 5, "label": "items", "token": SECRET_SHOWN}
    assert base["schema"]["properties"]["limit"]["minimum"] == 1
    assert base["schema"]["properties"]["token"]["x-secret"] is True
    by_operator = as_operator(client, "GET", f"{url}/modules", token)
    assert by_operator.json == listed.json
    other = as_operator(
        client, "GET", f"/api/operator/tenants/{other_tenant.schema_name}/settings/modules", token
    )
    assert other.json == []

    # An archived tenant's settings are read, never changed.
    with settings_app.app_context(), unit_of_work():
        archive_tenant(other_tenant.schema_name)
    archived = f"/api/operator/tenants/{other_tenant.schema_name}/settings"
    assert as_operator(client, "GET", archived, token).status_code == 200
    refused = as_operator(client, "PATCH", archived, token, json={"brand_name": "Late"})
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "TENANT_ARCHIVED"


def test_a_message_recorded_without_branding_still_goes(app, tenant, tmp_path, monkeypatch):
    """One recorded before templates named the branding (its context lacks it) is
    delivered with the tenant's branding of now."""
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path}")
    with app.app_context(), tenant_context(tenant), unit_of_work():
        sent = notify(
            "password_reset",
            Channel.EMAIL,
            Recipient(RecipientKind.USER, uuid.uuid4(), "old@example.org", "en"),
            {"name": "Lea", "minutes": 60, "nonce": "n-1"},
        )
        db.session.flush()
        # As an earlier version recorded it; its delivery job runs once this commits.
        db.session.execute(
            sa.update(Notification)
            .where(Notification.uuid == sent.uuid)
            .values(context={"name": "Lea", "minutes": 60, "nonce": "n-1"})
        )
    (message,) = mails(tmp_path)
    assert message["Subject"] == f"Reset your {tenant.name} password"
