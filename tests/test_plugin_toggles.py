"""Per-tenant plugin state through the CLI and the APIs: dependencies, data kept, settings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from datacapt.database import unit_of_work
from datacapt.plugins.services import SECRET_SHOWN, get_settings
from datacapt.tenancy.services import archive_tenant
from tests.inspection import table_ids
from tests.plugin_kit import BASE_MIGRATIONS, EVENTS, FakePlugin, SettingsSchema, ping_blueprint


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
        plugins=(),
    )


@pytest.fixture
def cli(plugin_app, operator):
    """Invoke as the operator: guarded commands ask for the password, given on stdin."""
    runner = plugin_app.test_cli_runner()
    return lambda *args: runner.invoke(
        args=list(args), env={"DATACAPT_OPERATOR": operator.email}, input=f"{operator.password}\n"
    )


BASE_DEFAULTS = {"limit": 5, "label": "items", "token": None}


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
        ("enabled", "base", tenant.schema_name, tenant.schema_name, BASE_DEFAULTS),
        ("enabled", "addon", tenant.schema_name, tenant.schema_name, {}),
    ]
    listing = cli("plugins", "list", "--tenant", tenant.schema_name).output
    assert "enabled since" in listing and "by operator:operator-" in listing
    assert "base was already enabled" in cli("plugins", "enable", tenant.schema_name, "base").output


def test_disable_refuses_while_a_dependent_is_enabled(cli, tenant):
    cli("plugins", "enable", tenant.schema_name, "addon", "--with-deps")
    result = cli("plugins", "disable", tenant.schema_name, "base")
    assert result.exit_code == 1 and "addon requires base" in result.output
    assert cli("plugins", "disable", tenant.schema_name, "addon").exit_code == 0
    assert cli("plugins", "disable", tenant.schema_name, "base").exit_code == 0


def host(tenant) -> dict[str, str]:
    return {"Host": f"{tenant.schema_name.replace('_', '-')}.test"}


@pytest.mark.requirement("P11-11.10c", "A11-10")
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
    assert shown.output.splitlines() == ["limit=5", 'label="items"', "token=null"]
    changed = cli("plugins", "settings", tenant.schema_name, "base", "--set", "limit=12")
    assert changed.exit_code == 0 and "limit=12" in changed.output
    bad = cli("plugins", "settings", tenant.schema_name, "base", "--set", "limit=zero")
    assert bad.exit_code == 1 and "Invalid settings" in bad.output
    unknown = cli("plugins", "settings", tenant.schema_name, "base", "--set", "colour=red")
    assert unknown.exit_code == 1
    assert cli("plugins", "settings", tenant.schema_name, "base", "--set", "novalue").exit_code == 2
    assert "limit=12" in cli("plugins", "settings", tenant.schema_name, "base").output


def test_a_secret_setting_is_kept_but_never_shown_nor_audited(
    cli, plugin_app, operator, tenant, db_engine
):
    cli("plugins", "enable", tenant.schema_name, "base")
    client = plugin_app.test_client()
    token = operator_token(client, operator)
    url = f"/api/operator/tenants/{tenant.schema_name}/plugins/base/settings"
    changed = as_operator(client, "PATCH", url, token, json={"token": "s3cret-value"})
    assert changed.json["token"] == SECRET_SHOWN
    # The mask sent back (a form that read the settings) leaves the secret as it was.
    again = as_operator(client, "PATCH", url, token, json={"token": SECRET_SHOWN, "limit": 7})
    assert again.json == {"limit": 7, "label": "items", "token": SECRET_SHOWN}
    assert as_operator(client, "GET", url, token).json["token"] == SECRET_SHOWN
    assert 'token="********"' in cli("plugins", "settings", tenant.schema_name, "base").output
    with plugin_app.app_context():
        assert get_settings(tenant.schema_name, "base")["token"] == "s3cret-value"
    with db_engine.connect() as connection:
        audited = connection.execute(
            sa.text(
                f'SELECT changes::text FROM "{tenant.schema_name}".audit_records'
                " WHERE object_type = 'plugin' AND action = 'settings' ORDER BY sequence"
            )
        ).scalars()
        changes = list(audited)
    assert len(changes) == 2 and all("s3cret" not in c for c in changes)
    assert SECRET_SHOWN in changes[0]


def test_bad_names_are_refused(cli, tenant):
    assert "No plugin 'ghost'" in cli("plugins", "enable", tenant.schema_name, "ghost").output
    assert "No tenant 'ghost'" in cli("plugins", "enable", "ghost", "base").output
    assert cli("plugins", "disable", tenant.schema_name, "ghost").exit_code == 1


def test_archived_tenants_cannot_change_modules(cli, plugin_app, tenant):
    with plugin_app.app_context(), unit_of_work():
        archive_tenant(tenant.schema_name)
    result = cli("plugins", "enable", tenant.schema_name, "base")
    assert result.exit_code == 1 and "archived" in result.output


def test_a_failing_enabled_hook_is_reported_and_the_plugin_stays_enabled(
    app_with_plugins, operator, tenant
):
    failing_app = app_with_plugins(FakePlugin("fragile", fail_on_enable=True), plugins=())
    result = failing_app.test_cli_runner().invoke(
        args=["plugins", "enable", tenant.schema_name, "fragile", "--operator", operator.email],
        input=f"{operator.password}\n",
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
    assert base["enabled_by"].startswith("operator:operator-") and base["version"] == "1.0.0"
    assert next(p for p in mine if p["name"] == "addon")["requires"] == ["base"]
    assert plugin_app.test_client().get("/api/plugins/", headers=host(tenant)).status_code == 401


def operator_token(client, operator) -> str:
    response = client.post(
        "/api/operator/login", json={"email": operator.email, "password": operator.password}
    )
    assert response.status_code == 200, response.json
    return response.json["token"]


def as_operator(client, method: str, url: str, token: str | None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, headers={**headers, "Host": "ops.example.org"}, **kwargs)


def test_operator_api_toggles_modules_of_any_tenant(plugin_app, operator, tenant):
    client = plugin_app.test_client()
    token = operator_token(client, operator)
    base = f"/api/operator/tenants/{tenant.schema_name}/plugins"
    refused = as_operator(client, "POST", f"{base}/addon/enable", token, json={})
    assert refused.status_code == 409
    assert refused.json["error"]["details"] == {"missing": ["base"]}
    enabled = as_operator(client, "POST", f"{base}/addon/enable", token, json={"with_deps": True})
    assert enabled.status_code == 200
    assert enabled.json == {"changed": ["base", "addon"], "warnings": []}
    states = {p["name"]: p for p in as_operator(client, "GET", f"{base}/", token).json}
    assert (
        states["addon"]["enabled"] and states["addon"]["enabled_by"] == f"operator:{operator.email}"
    )
    blocked = as_operator(client, "POST", f"{base}/base/disable", token)
    assert blocked.status_code == 409
    assert blocked.json["error"]["details"] == {"required_by": ["addon"]}
    settings = as_operator(client, "PATCH", f"{base}/base/settings", token, json={"limit": 3})
    assert settings.json == {"limit": 3, "label": "items", "token": None}
    invalid = as_operator(client, "PATCH", f"{base}/base/settings", token, json={"limit": 0})
    assert invalid.status_code == 422 and "limit" in invalid.json["error"]["fields"]
    assert as_operator(client, "GET", f"{base}/base/settings", token).json == {
        "limit": 3,
        "label": "items",
        "token": None,
    }
    assert as_operator(client, "POST", f"{base}/ghost/enable", token, json={}).status_code == 404
    assert (
        as_operator(client, "GET", "/api/operator/tenants/ghost/plugins/", token).status_code == 404
    )
    assert as_operator(client, "POST", "/api/operator/logout", token).status_code == 204
    assert as_operator(client, "GET", f"{base}/", token).status_code == 401


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_operator_api_refuses_without_an_operator_session(plugin_app, tenant, token):
    response = as_operator(
        plugin_app.test_client(),
        "POST",
        f"/api/operator/tenants/{tenant.schema_name}/plugins/base/enable",
        token,
        json={},
    )
    assert response.status_code == 401
    assert response.json["error"]["internal_name"] == "OPERATOR_AUTHENTICATION_REQUIRED"


def test_a_tenant_user_token_is_not_an_operator_token(plugin_app, client_as, tenant):
    user_token = client_as(tenant, on_app=plugin_app).token
    response = as_operator(
        plugin_app.test_client(),
        "GET",
        f"/api/operator/tenants/{tenant.schema_name}/plugins/",
        user_token,
    )
    assert response.status_code == 401


def test_operator_login_refuses_bad_passwords_and_locks_after_five(plugin_app, operator):
    client = plugin_app.test_client()
    for _ in range(5):
        bad = client.post(
            "/api/operator/login", json={"email": operator.email, "password": "wrong"}
        )
        assert bad.status_code == 401
    locked = client.post(
        "/api/operator/login", json={"email": operator.email, "password": operator.password}
    )
    assert locked.status_code == 401


def test_guarded_commands_refuse_without_a_valid_operator(plugin_app, operator, tenant):
    runner = plugin_app.test_cli_runner()
    missing = runner.invoke(args=["plugins", "enable", tenant.schema_name, "base"])
    assert missing.exit_code == 2 and "--operator" in missing.output
    wrong = runner.invoke(
        args=["plugins", "enable", tenant.schema_name, "base", "--operator", operator.email],
        input="wrong\n",
    )
    assert wrong.exit_code == 1 and "Operator authentication required" in wrong.output
    settings = runner.invoke(
        args=["plugins", "settings", tenant.schema_name, "base", "--set", "limit=2"]
    )
    assert settings.exit_code == 2
