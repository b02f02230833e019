"""flask demo seed: the demo tenant that `make run` serves."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.database import db
from datacapt.errors.cli import reports_errors
from datacapt.migrating import migrate_tenants
from datacapt.plugins.services import tenant_lineage_plan
from datacapt.tenancy.cli import ensure_shared_schema
from datacapt.tenancy.services import create_tenant, find_tenant, get_tenant

DEMO_SCHEMA = "demo"
DEMO_NAME = "Demo Clinical Research"
DEMO_DOMAINS = ("localhost", "127.0.0.1")

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("seed")
@reports_errors
def seed_command() -> None:
    """Create the demo tenant on localhost and 127.0.0.1 (idempotent)."""
    ensure_shared_schema()
    if find_tenant(DEMO_SCHEMA) is None:
        create_tenant(DEMO_SCHEMA, DEMO_NAME, DEMO_DOMAINS)
        click.echo(f"Created the demo tenant at {', '.join(DEMO_DOMAINS)}")
        return
    plan = tenant_lineage_plan([get_tenant(DEMO_SCHEMA)])
    db.session.remove()
    report = migrate_tenants(db.engine, plan)
    if not report.ok:
        raise click.ClickException(f"Migrating the demo tenant failed: {report.failed[0].error}")
    click.echo("The demo tenant exists and is at head")
