"""flask users create | unlock and flask operators create: passwords never as arguments."""

from __future__ import annotations

PASSWORD = "Steady-Orange-Compass-71"


def run(app, *args, password: str | None = PASSWORD, confirm: bool = True):
    answer = f"{password}\n{password}\n" if confirm else f"{password}\n"
    return app.test_cli_runner().invoke(
        args=list(args), input=answer if password is not None else None
    )


def create_user(app, schema: str, email: str, role: str, *extra: str, **options):
    """``flask users create --tenant SCHEMA --email EMAIL --role ROLE [EXTRA]``."""
    return run(
        app,
        "users",
        "create",
        "--tenant",
        schema,
        "--email",
        email,
        "--role",
        role,
        *extra,
        **options,
    )


def test_users_create_asks_for_the_password_and_the_user_can_log_in(app, client_for, tenant):
    result = create_user(app, tenant.schema_name, "Site.Lead@Example.org", "investigator")
    assert result.exit_code == 0, result.output
    assert "Created site.lead@example.org (investigator)" in result.output
    assert PASSWORD not in result.output
    login = client_for(tenant).post(
        "/api/auth/login", json={"email": "site.lead@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200


def test_users_create_refuses_bad_input(app, tenant, user_factory):
    existing = user_factory(tenant)
    assert create_user(app, tenant.schema_name, existing.email, "viewer").exit_code == 1
    unknown_role = create_user(app, tenant.schema_name, "a@example.org", "pilot")
    assert unknown_role.exit_code == 1 and "No such role" in unknown_role.output
    weak = create_user(app, tenant.schema_name, "b@example.org", "viewer", password="short")
    assert weak.exit_code == 1 and "policy" in weak.output
    assert create_user(app, "nobody", "c@example.org", "viewer").exit_code == 1
    no_password_option = create_user(
        app, tenant.schema_name, "d@example.org", "viewer", "--password", "x"
    )
    assert no_password_option.exit_code == 2


def test_users_unlock(app, client_for, tenant, user_factory):
    user = user_factory(tenant, "viewer")
    client = client_for(tenant)
    for _ in range(5):
        client.post(
            "/api/auth/login", json={"email": user.email, "password": "wrong password here"}
        )
    result = run(
        app, "users", "unlock", "--tenant", tenant.schema_name, "--email", user.email, password=None
    )
    assert result.exit_code == 0 and "is active" in result.output
    assert (
        client.post(
            "/api/auth/login", json={"email": user.email, "password": user.password}
        ).status_code
        == 200
    )
    missing = run(
        app,
        "users",
        "unlock",
        "--tenant",
        tenant.schema_name,
        "--email",
        "ghost@example.org",
        password=None,
    )
    assert missing.exit_code == 1


def test_operators_create_then_log_in_to_the_operator_api(app, client):
    result = run(app, "operators", "create", "--email", "ops.one@example.org", "--name", "Ops One")
    assert result.exit_code == 0, result.output
    login = client.post(
        "/api/operator/login", json={"email": "ops.one@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200 and login.json["token"]
    assert run(app, "operators", "create", "--email", "ops.one@example.org").exit_code == 1
    mismatch = app.test_cli_runner().invoke(
        args=["operators", "create", "--email", "ops.two@example.org"],
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert "do not match" in mismatch.output
