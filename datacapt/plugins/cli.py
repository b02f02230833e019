"""flask plugins list | enable | disable | settings | new."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from datacapt.console import echo_table, reports_errors
from datacapt.operators.cli import authenticate_operator, operator_option, operator_required
from datacapt.plugins.scaffold import scaffold_plugin
from datacapt.plugins.services import (
    ToggleResult,
    disable_plugin,
    enable_plugin,
    get_settings,
    plugin_set,
    plugin_states,
    update_settings,
)
from datacapt.tenancy.services import get_tenant

plugins_cli = AppGroup("plugins", help="Installed modules and their state per tenant.")


@plugins_cli.command("list")
@click.option("--tenant", "schema", help="Also show each plugin's state in this tenant.")
@reports_errors
def list_command(schema: str | None) -> None:
    """Name, version, title and requirements of each plugin (and its state in a tenant)."""
    plugins = plugin_set().plugins
    if not plugins:
        click.echo("No plugins are installed.")
        return
    headers: tuple[str, ...] = ("NAME", "VERSION", "TITLE", "REQUIRES")
    rows: list[tuple[str, ...]] = [
        (p.name, p.manifest.version, p.manifest.title, ",".join(p.manifest.requires) or "-")
        for p in plugins.values()
    ]
    if schema:
        states = {s.plugin.name: s for s in plugin_states(get_tenant(schema).id)}
        headers = (*headers, "STATE")
        rows = [(*row, _state(states[row[0]])) for row in rows]
    echo_table(headers, rows)


def _state(state) -> str:
    if state.enabled:
        return f"enabled since {state.row.enabled_at:%Y-%m-%d %H:%M} by {state.row.enabled_by}"
    if state.row and state.row.disabled_at:
        return f"disabled since {state.row.disabled_at:%Y-%m-%d %H:%M} by {state.row.disabled_by}"
    return "disabled"


def _echo_result(result: ToggleResult, done: str, schema: str, name: str) -> None:
    if result.changed:
        click.echo(f"{done} in {schema}: {', '.join(result.changed)}")
    else:
        click.echo(f"{name} was already {done.lower()} in {schema}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.warnings:
        raise click.exceptions.Exit(1)


@plugins_cli.command("enable")
@click.argument("schema")
@click.argument("name")
@click.option("--with-deps", is_flag=True, help="Also enable the plugins it requires.")
@operator_required
@reports_errors
def enable_command(schema: str, name: str, with_deps: bool, actor: str) -> None:
    """Enable a plugin for a tenant: migrate its tables, then call its enabled hook."""
    _echo_result(enable_plugin(schema, name, actor, with_deps=with_deps), "Enabled", schema, name)


@plugins_cli.command("disable")
@click.argument("schema")
@click.argument("name")
@operator_required
@reports_errors
def disable_command(schema: str, name: str, actor: str) -> None:
    """Disable a plugin for a tenant. Its data is kept; enabling again brings it back."""
    _echo_result(disable_plugin(schema, name, actor), "Disabled", schema, name)


def _parse_assignment(_ctx, _param, values: tuple[str, ...]) -> dict[str, str]:
    changes = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE")
        changes[key] = raw
    return changes


@plugins_cli.command("settings")
@click.argument("schema")
@click.argument("name")
@click.option(
    "--set",
    "changes",
    multiple=True,
    callback=_parse_assignment,
    help="KEY=VALUE to change (repeatable); validated by the plugin's schema.",
)
@operator_option
@reports_errors
def settings_command(
    schema: str, name: str, changes: dict[str, str], operator_email: str | None
) -> None:
    """Show a plugin's settings in a tenant, or change some with --set (operators only)."""
    if changes:
        actor = authenticate_operator(operator_email)
        settings = update_settings(schema, name, changes, actor)
    else:
        settings = get_settings(schema, name)
    for key, value in settings.items():
        click.echo(f"{key}={json.dumps(value)}")


@plugins_cli.command("new")
@click.argument("name")
@click.option(
    "--path",
    "directory",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory to create the plugin's distribution in (must not exist).",
)
@reports_errors
def new_command(name: str, directory: Path) -> None:
    """Scaffold a working plugin package: hooks, model, migration, routes, job, tests."""
    created = scaffold_plugin(name, directory)
    click.echo(f"Created plugin {name!r} in {directory} ({len(created)} files).")
    click.echo(f"Install it with: pip install -e {directory}")
