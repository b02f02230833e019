"""flask tenants list | migrate | archive (``create`` and ``spares``, which name plugins, are
in datacapt.plugins.cli)."""

from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import AppGroup

from datacapt.console import echo_json, echo_table, json_option, progress, reports_errors
from datacapt.database import db
from datacapt.migrating import migrate_shared, migrate_tenants
from datacapt.migrating.runner import MigrationReport, lineage_states
from datacapt.tenancy.context import TenantRef
from datacapt.tenancy.services import (
    archive_tenant,
    lineage_plan,
    list_tenants,
    tenant_refs,
    to_ref,
)

tenants_cli = AppGroup("tenants", help="Create, list, migrate and archive tenants.")


def ensure_shared_schema() -> None:
    """Bring the shared schema to head (a cheap check when it already is)."""
    outcome = migrate_shared(db.engine)
    if outcome.status == "failed":
        raise click.ClickException(f"Migrating the shared schema failed: {outcome.error}")
    if outcome.status == "upgraded":
        click.echo(f"shared schema upgraded in {outcome.seconds:.2f} s")


def _migration_states(tenants: list[TenantRef]) -> dict[str, str]:
    states = lineage_states(db.engine, lineage_plan(tenants))
    return {
        schema: f"behind: {', '.join(names)}" if names else "at head"
        for schema, names in states.items()
    }


@tenants_cli.command("list")
@json_option
def list_command(as_json: bool) -> None:
    """Schema, name, domains, status and migration state of every tenant."""
    tenants = list_tenants()
    states = _migration_states([to_ref(t) for t in tenants]) if tenants else {}
    if as_json:
        echo_json(
            [
                {
                    "schema": t.schema_name,
                    "name": t.name,
                    "domains": [d.domain for d in t.domains],
                    "status": t.status,
                    "migrations": states[t.schema_name],
                    "created_at": t.created_at,
                    "archived_at": t.archived_at,
                }
                for t in tenants
            ]
        )
        return
    if not tenants:
        click.echo(
            "No tenants. Create one with: flask tenants create SCHEMA --name NAME --domain HOST"
        )
        return
    rows = [
        (
            t.schema_name,
            t.name,
            ",".join(d.domain for d in t.domains),
            t.status,
            states[t.schema_name],
        )
        for t in tenants
    ]
    echo_table(("SCHEMA", "NAME", "DOMAINS", "STATUS", "MIGRATIONS"), rows)


def _echo_report(report: MigrationReport, seconds: float) -> None:
    for outcome in report.outcomes:
        if outcome.status == "upgraded":
            click.echo(f"  {outcome.schema}: upgraded in {outcome.seconds:.2f} s")
        elif outcome.status == "failed":
            click.echo(f"  {outcome.schema}: FAILED: {outcome.error}", err=True)
    click.echo(
        f"tenants: {report.count('at_head')} at head, {report.count('upgraded')} upgraded,"
        f" {report.count('failed')} failed in {seconds:.2f} s"
    )


@tenants_cli.command("migrate")
@click.option("--tenant", "schema", help="Migrate only this tenant.")
@click.option(
    "--parallel",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes for tenants that are behind.",
)
@reports_errors
def migrate_command(schema: str | None, parallel: int) -> None:
    """Upgrade the shared schema, then each tenant schema in its own transaction."""
    started = time.perf_counter()
    ensure_shared_schema()
    tenants = tenant_refs(schema)
    plan = lineage_plan(tenants)
    db.session.remove()  # worker processes must not inherit an open transaction
    report = migrate_tenants(db.engine, plan, parallel=parallel, progress=progress)
    _echo_report(report, time.perf_counter() - started)
    if not report.ok:
        raise click.ClickException(
            f"{len(report.failed)} tenant(s) failed; fix the cause and run the command again:"
            " the others are migrated and stay so"
        )


@tenants_cli.command("archive")
@click.argument("schema")
@reports_errors
def archive_command(schema: str) -> None:
    """Stop serving a tenant. Its schema and every row are kept."""
    tenant = archive_tenant(schema)
    assert tenant.archived_at is not None  # set with the archived status, and only then
    click.echo(
        f"Tenant {tenant.schema_name} archived since"
        f" {tenant.archived_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC:"
        " no longer served, all data kept"
    )
