"""flask operators create, and the operator check that guards state-changing plugin commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask.cli import AppGroup

from datacapt.console import prompt_new_password, reports_errors
from datacapt.errors import DatacaptException
from datacapt.operators.services import create_operator, verify_operator

operators_cli = AppGroup("operators", help="Platform operators (shared across tenants).")


@operators_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Display name.")
@reports_errors
def create_command(email: str, name: str) -> None:
    """Create a platform operator; the password is asked for (or read from stdin)."""
    operator = create_operator(email, prompt_new_password(), name)
    click.echo(f"Created operator {operator.email}")


def authenticate_operator(email: str | None) -> str:
    """Check an operator's password (asked for, or read from stdin); returns the actor."""
    if not email:
        raise click.UsageError("This command needs --operator EMAIL (or DATACAPT_OPERATOR)")
    try:
        operator = verify_operator(email, click.prompt("Operator password", hide_input=True))
    except DatacaptException as exc:
        raise click.ClickException(str(exc.message)) from exc
    return f"operator:{operator.email}"


operator_option = click.option(
    "--operator",
    "operator_email",
    envvar="DATACAPT_OPERATOR",
    help="Your operator email (or DATACAPT_OPERATOR); the password is asked for.",
)


def operator_required(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --operator and check it; the command receives ``actor="operator:<email>"``."""

    @operator_option
    @functools.wraps(command)
    def wrapper(*args: Any, operator_email: str | None, **kwargs: Any) -> Any:
        return command(*args, actor=authenticate_operator(operator_email), **kwargs)

    return wrapper
