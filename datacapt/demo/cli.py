"""flask demo seed: the demo tenant that `make run` serves."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.console import progress, reports_errors
from datacapt.demo.services import DEMO_DOMAINS, DEMO_PASSWORD, seed_demo
from datacapt.tenancy.cli import ensure_shared_schema

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("seed")
@reports_errors
def seed_command() -> None:
    """Create the demo tenant on localhost and 127.0.0.1: every module, a study with two
    centers and a user per default role (idempotent)."""
    ensure_shared_schema()
    seeded = seed_demo("demo-seed", progress=progress)
    if seeded.created:
        click.echo(f"Created the demo tenant at {', '.join(DEMO_DOMAINS)}")
    else:
        click.echo("The demo tenant exists and is at head")
    if seeded.enabled:
        click.echo(f"Enabled modules: {', '.join(seeded.enabled)}")
    if seeded.users:
        click.echo(f"Demo users (password {DEMO_PASSWORD}): {', '.join(seeded.users)}")
    for warning in seeded.warnings:
        click.echo(f"warning: {warning}", err=True)
