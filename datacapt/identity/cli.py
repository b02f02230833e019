"""flask users create | unlock: a tenant's users from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.console import prompt_new_password, reports_errors
from datacapt.errors import not_found
from datacapt.identity.services import create_user, find_user, get_role, unlock_user
from datacapt.permissions.defaults import DEFAULT_ROLES
from datacapt.tenancy.context import in_tenant

users_cli = AppGroup("users", help="Users of a tenant.")


@users_cli.command("create")
@click.option("--tenant", "schema", required=True)
@click.option("--email", required=True)
@click.option(
    "--role", required=True, help=f"Platform role: {', '.join(DEFAULT_ROLES)} or a custom one."
)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@reports_errors
def create_command(schema: str, email: str, role: str, first_name: str, last_name: str) -> None:
    """Create an active user; the password is asked for (or read from stdin)."""
    with in_tenant(schema):
        role_row = get_role(role)
        password = prompt_new_password()
        user = create_user(email, first_name, last_name, role_row, password)
        click.echo(f"Created {user.email} ({role}) in {schema}")


@users_cli.command("unlock")
@click.option("--tenant", "schema", required=True)
@click.option("--email", required=True)
@reports_errors
def unlock_command(schema: str, email: str) -> None:
    """Unlock an account locked by failed logins."""
    with in_tenant(schema):
        user = find_user(email)
        if user is None:
            raise not_found(f"No user {email} in {schema}")
        unlock_user(user, actor="cli")
        click.echo(f"{user.email} is {user.status}")
