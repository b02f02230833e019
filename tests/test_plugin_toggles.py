"""Per-tenant plugin state through the CLI and the APIs: dependencies, data kept, settings."""

from __future__ import annotations

import pytest

from datacapt.tenancy.services import archive_tenant
from tests.inspection import table_ids
from tests.plugin_kit import BASE_MIGRATIONS, EVENTS, FakePlugin, SettingsSchema, ping_blueprint

OPERATOR_TOKEN = "o" * 40


@pytest.fixture
def plugin_app(app_with_plugins):
    EVENTS.clear()
    return app_with_plugins(
        FakePlugin(
            "base",
            migrations=BASE_MIGRATIONS,
            settings_schema=SettingsSchema,
            blueprints=(ping_blueprint("base"),),
        ),
        FakePlugin("addon", requires=("base",), blueprints=(ping_blueprint("addon"),)),
        operator_token=OPERATOR_TOKEN,
        plugins=(),
    )


@pytest.fixture
def cli(plugin_app):
    runner = plugin_app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def base_items(engine, schema: str) -> list[int] | None:
    return table_ids(engine, schema, "base_items")


def test_enable_refuses_missing_requirements_and_names_them(cli, tenant, db_engine):
    result = cli("plugins", "enable", tenant.schema_name, "addon")
    assert result.exit_code == 1
    assert "addon requires base" in result.output and "--with-deps" in result.output
    assert base_items(db_engine, tenant.schema_name) is None


def test_enable_with_deps_migrates_and_calls_hooks_inside_the_tenant(
    cli, tenant, other_tenant, db_engine
):
    result = cli("plugins", "enable", tenant.schema_name, "addon", "--with-deps")
    assert result.exit_code == 0, result.output
    assert f"Enabled in {tenant.schema_name}: base, addon" in result.output
    assert base_items(db_engine, tenant.schema_name) == [1]
    assert base_items(db_engine, other_tenant.schema_name) is None
    enabled = [e for e in EVENTS if e[0] == "enabled"]
    assert enabled == [
        ("enabled", "base", tenant.schema_name, tenant.schema_name, {"limit": 5, "label": "items"}),
        ("enabled", "addon", tenant.schema_name, tenant.schema_name, {}),
    ]
    listing = cli("plugins", "list", "--tenant", tenant.schema_name).output
    assert "enabled since" in listing and "by cli:" in listing
    assert cli("plugins", "enable", tenant.schema_name, "base").output.startswith(
        "base was already enabled"
    )


def test_disable_refuses_while_a_dependent_is_enabled(cli, tenant):
    cli("plugins", "enable", tenant.schema_name, "addon", "--with-deps")
    result = cli("plugins", "disable", tenant.schema_name, "base")
    assert result.exit_code == 1 and "addon requires base" in result.output
    assert cli("plugins", "disable", tenant.schema_name, "addon").exit_code == 0
    assert cli("plugins", "disable", tenant.schema_name, "base").exit_code == 0


def host(tenant) -> dict[str, str]:
    return {"Host": f"{tenant.schema_name.replace('_', '-')}.test"}


def test_disabling_keeps_the_data_and_enabling_again_brings_it_back(
    cli, plugin_app, tenant, db_engine
):
    client = plugin_app.test_client()
    cli("plugins", "enable", tenant.schema_name, "base")
    assert client.get("/api/base/ping", headers=host(tenant)).json == {
        "plugin": "base",
        "tenant": tenant.schema_name,
    }
    result = cli("plugins", "disable", tenant.schema_name, "base")
    assert result.exit_code == 0 and EVENTS[-1] == (
        "disabled",
        "base",
        tenant.schema_name,
        tenant.schema_name,
    )
    assert client.get("/api/base/ping", headers=host(tenant)).status_code == 404
    assert base_items(db_engine, tenant.schema_name) == [1]  # the data stays
    assert "disabled since" in cli("plugins", "list", "--tenant", tenant.schema_name).output
    cli("plugins", "enable", tenant.schema_name, "base")
    assert client.get("/api/base/ping", headers=host(tenant)).status_code == 200
    assert base_items(db_engine, tenant.schema_name) == [1]


def test_settings_show_defaults_validate_and_persist(cli, tenant):
    cli("plugins", "enable", tenant.schema_name, "base")
    shown = cli("plugins", "settings", tenant.schema_name, "base")
    assert shown.output.splitlines() == ["limit=5", 'label="items"']
    changed = cli("plugins", "settings", tenant.schema_name, "base", "--set", "limit=12")
    assert changed.exit_code == 0 and "limit=12" in changed.output
    bad = cli("plugins", "settings", tenant.schema_name, "base", "--set", "limit=zero")
    assert bad.exit_code == 1 and "Invalid settings" in bad.output
    unknown = cli("plugins", "settings", tenant.schema_name, "base", "--set", "colour=red")
    assert unknown.exit_code == 1
    assert cli("plugins", "settings", tenant.schema_name, "base", "--set", "novalue").exit_code == 2
    assert "limit=12" in cli("plugins", "settings", tenant.schema_name, "base").output


def test_bad_names_are_refused(cli, tenant):
    assert "No plugin 'ghost'" in cli("plugins", "enable", tenant.schema_name, "ghost").output
    assert "No tenant 'ghost'" in cli("plugins", "enable", "ghost", "base").output
    assert cli("plugins", "disable", tenant.schema_name, "ghost").exit_code == 1


def test_archived_tenants_cannot_change_modules(cli, plugin_app, tenant):
    with plugin_app.app_context():
        archive_tenant(tenant.schema_name)
    result = cli("plugins", "enable", tenant.schema_name, "base")
    assert result.exit_code == 1 and "archived" in result.output


def test_a_failing_enabled_hook_is_reported_and_the_plugin_stays_enabled(app_with_plugins, tenant):
    failing_app = app_with_plugins(FakePlugin("fragile", fail_on_enable=True), plugins=())
    result = failing_app.test_cli_runner().invoke(
        args=["plugins", "enable", tenant.schema_name, "fragile"]
    )
    assert result.exit_code == 1
    assert "fragile: datacapt_plugin_enabled failed: RuntimeError" in result.output
    assert "Enabled in" in result.output


def test_tenant_plugins_api_lists_every_module_with_its_state(
    cli, plugin_app, client_as, tenant, other_tenant
):
    cli("plugins", "enable", tenant.schema_name, "base")
    mine = client_as(tenant, on_app=plugin_app).get("/api/plugins/").json
    theirs = client_as(other_tenant, on_app=plugin_app).get("/api/plugins/").json
    assert {p["name"]: p["enabled"] for p in mine} == {"base": True, "addon": False}
    assert {p["name"]: p["enabled"] for p in theirs} == {"base": False, "addon": False}
    base = next(p for p in mine if p["name"] == "base")
    assert base["enabled_by"].startswith("cli:") and base["version"] == "1.0.0"
    assert next(p for p in mine if p["name"] == "addon")["requires"] == ["base"]
    assert plugin_app.test_client().get("/api/plugins/", headers=host(tenant)).status_code == 401


def operator(client, method: str, url: str, token: str | None = OPERATOR_TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, headers={**headers, "Host": "ops.example.org"}, **kwargs)


def test_operator_api_toggles_modules_of_any_tenant(plugin_app, tenant, db_engine):
    client = plugin_app.test_client()
    base = f"/api/operator/tenants/{tenant.schema_name}/plugins"
    refused = operator(client, "POST", f"{base}/addon/enable", json={})
    assert refused.status_code == 409
    assert refused.json["error"]["details"] == {"missing": ["base"]}
    enabled = operator(client, "POST", f"{base}/addon/enable", json={"with_deps": True})
    assert enabled.status_code == 200 and enabled.json == {
        "changed": ["base", "addon"],
        "warnings": [],
    }
    states = {p["name"]: p for p in operator(client, "GET", f"{base}/").json}
    assert states["addon"]["enabled"] and states["addon"]["enabled_by"] == "operator-api"
    blocked = operator(client, "POST", f"{base}/base/disable")
    assert blocked.status_code == 409 and blocked.json["error"]["details"] == {
        "required_by": ["addon"]
    }
    settings = operator(client, "PATCH", f"{base}/base/settings", json={"limit": 3})
    assert settings.json == {"limit": 3, "label": "items"}
    invalid = operator(client, "PATCH", f"{base}/base/settings", json={"limit": 0})
    assert invalid.status_code == 422 and "limit" in invalid.json["error"]["fields"]
    assert operator(client, "GET", f"{base}/base/settings").json == {"limit": 3, "label": "items"}
    assert operator(client, "POST", f"{base}/ghost/enable", json={}).status_code == 404
    assert operator(client, "GET", "/api/operator/tenants/ghost/plugins/").status_code == 404


@pytest.mark.parametrize("token", [None, "wrong-token", OPERATOR_TOKEN[:-1]])
def test_operator_api_refuses_without_the_operator_token(plugin_app, tenant, token):
    response = operator(
        plugin_app.test_client(),
        "POST",
        f"/api/operator/tenants/{tenant.schema_name}/plugins/base/enable",
        token=token,
        json={},
    )
    assert response.status_code == 401
    assert response.json["error"]["internal_name"] == "OPERATOR_AUTHENTICATION_REQUIRED"


def test_operator_api_is_closed_when_no_token_is_configured(app, tenant):
    response = operator(
        app.test_client(), "GET", f"/api/operator/tenants/{tenant.schema_name}/plugins/"
    )
    assert response.status_code == 401
    assert "closed" in response.json["error"]["message"]
