"""flask audit verify | heads."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.audit.jobs import record_chain_heads
from datacapt.audit.verify import verify_chain
from datacapt.console import reports_errors
from datacapt.database import db
from datacapt.tenancy.services import tenant_refs

audit_cli = AppGroup("audit", help="The audit trail's integrity.")


@audit_cli.command("verify")
@click.option("--tenant", "schema", help="Verify only this tenant.")
@reports_errors
def verify_command(schema: str | None) -> None:
    """Recompute each tenant's hash chain; name the first broken record; exit 1 if any."""
    tenants = tenant_refs(schema)
    broken = 0
    for tenant in tenants:
        report = verify_chain(db.engine, tenant.id, tenant.schema_name)
        if report.ok:
            click.echo(f"{tenant.schema_name}: {report.records} records, chain intact")
        else:
            broken += 1
            click.echo(
                f"{tenant.schema_name}: BROKEN at record {report.broken_at}: {report.problem}",
                err=True,
            )
    if broken:
        raise click.ClickException(f"{broken} tenant(s) have a broken audit chain")


@audit_cli.command("heads")
def heads_command() -> None:
    """Record each tenant's chain head now (the periodic job does it every hour)."""
    click.echo(f"{record_chain_heads()} head(s) recorded")
