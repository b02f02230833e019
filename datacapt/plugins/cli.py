"""flask plugins list | enable | disable | settings | new; flask tenants create and flask
tenants spares fill | list, which name the plugins a new tenant starts with."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from datacapt.console import echo_json, echo_table, json_option, progress, reports_errors
from datacapt.errors import DatacaptException
from datacapt.operators.cli import authenticate_operator, operator_option, operator_required
from datacapt.plugins.provisioning import (
    create_tenant_with_plugins,
    known_lineages,
    prepare_spares,
)
from datacapt.plugins.scaffold import scaffold_plugin
from datacapt.plugins.services import (
    ToggleResult,
    disable_plugin,
    enable_plugin,
    get_settings,
    plugin_set,
    plugin_states,
    shown_settings,
    update_settings,
)
from datacapt.tenancy.cli import ensure_shared_schema, tenants_cli
from datacapt.tenancy.models import TenantStatus
from datacapt.tenancy.services import get_tenant, list_tenants
from datacapt.tenancy.spares import spare_sets

plugins_cli = AppGroup("plugins", help="Installed modules and their state per tenant.")
spares_cli = AppGroup(
    "spares", help="Spare tenant schemas, built ahead so that creating a tenant is a rename."
)
tenants_cli.add_command(spares_cli)


@plugins_cli.command("list")
@click.option("--tenant", "schema", help="Also show each plugin's state in this tenant.")
@json_option
@reports_errors
def list_command(schema: str | None, as_json: bool) -> None:
    """Name, version, title and requirements of each plugin (and its state in a tenant)."""
    plugins = plugin_set().plugins
    states = {s.plugin.name: s for s in plugin_states(get_tenant(schema).id)} if schema else {}
    if as_json:
        echo_json([_plugin_json(p, states.get(p.name)) for p in plugins.values()])
        return
    if not plugins:
        click.echo("No plugins are installed.")
        return
    headers: tuple[str, ...] = ("NAME", "VERSION", "TITLE", "REQUIRES")
    rows: list[tuple[str, ...]] = [
        (p.name, p.manifest.version, p.manifest.title, ",".join(p.manifest.requires) or "-")
        for p in plugins.values()
    ]
    if schema:
        headers = (*headers, "STATE")
        rows = [(*row, _state(states[row[0]])) for row in rows]
    echo_table(headers, rows)


def _plugin_json(plugin, state) -> dict[str, object]:
    described: dict[str, object] = {
        "name": plugin.name,
        "version": plugin.manifest.version,
        "title": plugin.manifest.title,
        "requires": list(plugin.manifest.requires),
    }
    if state is not None:
        row = state.row
        described |= {
            "enabled": state.enabled,
            "enabled_at": row.enabled_at if row else None,
            "enabled_by": row.enabled_by if row else None,
            "disabled_at": row.disabled_at if row else None,
            "disabled_by": row.disabled_by if row else None,
        }
    return described


def _state(state) -> str:
    if state.enabled:
        return f"enabled since {state.row.enabled_at:%Y-%m-%d %H:%M} by {state.row.enabled_by}"
    if state.row and state.row.disabled_at:
        return f"disabled since {state.row.disabled_at:%Y-%m-%d %H:%M} by {state.row.disabled_by}"
    return "disabled"


def _targets(schemas: tuple[str, ...], all_tenants: bool) -> list[str]:
    if all_tenants == bool(schemas):
        raise click.UsageError("Name the tenants (SCHEMA ... NAME) or use --all-tenants, not both")
    if all_tenants:
        return [t.schema_name for t in list_tenants() if t.status == TenantStatus.ACTIVE]
    return list(schemas)


def _toggle_each(
    schemas: list[str], name: str, done: str, toggle: Callable[[str], ToggleResult]
) -> None:
    """Toggle ``name`` in each tenant, each in its own transaction: a tenant that fails is
    named and the others keep their change; exit 1 if any failed or warned."""
    problems = 0
    steps = len(schemas) if len(schemas) > 1 else 0  # one tenant says it all in its line
    with progress(f"{done.lower()} {name}", steps) as advance:
        for schema in schemas:
            try:
                result = toggle(schema)
            except DatacaptException as exc:
                if len(schemas) == 1:
                    raise  # one tenant: its error is the command's
                problems += 1
                click.echo(f"{schema}: FAILED: {exc.message}", err=True)
                advance(f"{schema} failed")
                continue
            if result.changed:
                click.echo(f"{done} in {schema}: {', '.join(result.changed)}")
            else:
                click.echo(f"{name} was already {done.lower()} in {schema}")
            for warning in result.warnings:
                click.echo(f"warning: {warning}", err=True)
            problems += bool(result.warnings)
            advance(schema)
    if problems:
        raise click.exceptions.Exit(1)


tenants_argument = click.argument("schemas", metavar="[SCHEMA]...", nargs=-1)
all_tenants_option = click.option(
    "--all-tenants", is_flag=True, help="Every active tenant instead of the named ones."
)


@plugins_cli.command("enable")
@tenants_argument
@click.argument("name")
@all_tenants_option
@click.option("--with-deps", is_flag=True, help="Also enable the plugins it requires.")
@operator_required
@reports_errors
def enable_command(
    schemas: tuple[str, ...], name: str, all_tenants: bool, with_deps: bool, actor: str
) -> None:
    """Enable a plugin for tenants: migrate its tables, then call its enabled hook."""
    targets = _targets(schemas, all_tenants)
    _toggle_each(
        targets, name, "Enabled", lambda s: enable_plugin(s, name, actor, with_deps=with_deps)
    )


@plugins_cli.command("disable")
@tenants_argument
@click.argument("name")
@all_tenants_option
@operator_required
@reports_errors
def disable_command(schemas: tuple[str, ...], name: str, all_tenants: bool, actor: str) -> None:
    """Disable a plugin for tenants. Its data is kept; enabling again brings it back."""
    _toggle_each(
        _targets(schemas, all_tenants), name, "Disabled", lambda s: disable_plugin(s, name, actor)
    )


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
        settings = shown_settings(name, get_settings(schema, name))
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


def plugins_options(command: Callable[..., object]) -> Callable[..., object]:
    """--plugin NAME (repeatable) and --every-plugin: the plugins a new tenant starts with."""
    command = click.option(
        "--every-plugin", is_flag=True, help="Every loaded plugin instead of the named ones."
    )(command)
    return click.option(
        "--plugin",
        "plugin_names",
        multiple=True,
        help="A plugin to enable, with what it requires (repeatable).",
    )(command)


def _chosen(plugin_names: tuple[str, ...], every_plugin: bool) -> list[str]:
    if every_plugin and plugin_names:
        raise click.UsageError("Name the plugins (--plugin) or use --every-plugin, not both")
    return list(plugin_set().plugins) if every_plugin else list(plugin_names)


@tenants_cli.command("create")
@click.argument("schema")
@click.option("--name", required=True, help="Display name of the customer.")
@click.option("--domain", "domains", multiple=True, required=True, help="Host name (repeatable).")
@plugins_options
@operator_option
@reports_errors
def create_command(
    schema: str,
    name: str,
    domains: tuple[str, ...],
    plugin_names: tuple[str, ...],
    every_plugin: bool,
    operator_email: str | None,
) -> None:
    """Create a tenant: its schema, tables and domains, all or nothing; with plugins (an
    operator enables them), a spare schema built for them is taken when one waits."""
    ensure_shared_schema()
    plugins = _chosen(plugin_names, every_plugin)
    actor = authenticate_operator(operator_email) if plugins else ""
    started = time.perf_counter()
    tenant = create_tenant_with_plugins(schema, name, domains, plugins, actor)
    hosts = ", ".join(d.domain for d in tenant.domains)
    enabled = f" with {', '.join(plugins)}" if plugins else ""
    click.echo(
        f"Created tenant {tenant.schema_name} ({tenant.name}) at {hosts}{enabled}"
        f" in {time.perf_counter() - started:.2f} s"
    )


@spares_cli.command("fill")
@click.option(
    "--count", type=click.IntRange(1, 1000), default=10, show_default=True,
    help="How many spares of this kind should wait.",
)  # fmt: skip
@plugins_options
@reports_errors
def fill_spares_command(count: int, plugin_names: tuple[str, ...], every_plugin: bool) -> None:
    """Drop the spares a deployment made stale, then build spares for tenants with these
    plugins (none: the core alone) until COUNT wait. Run it from one place at a time."""
    ensure_shared_schema()
    plugins = _chosen(plugin_names, every_plugin)
    started = time.perf_counter()
    dropped, built = prepare_spares(plugins, count)
    kind = f"core, {', '.join(plugins)}" if plugins else "core"
    if dropped:
        click.echo(f"Dropped {dropped} stale spare(s)")
    click.echo(
        f"Built {len(built)} spare(s) for {kind} in {time.perf_counter() - started:.2f} s;"
        f" at least {count} wait"
    )


@spares_cli.command("list")
@json_option
@reports_errors
def list_spares_command(as_json: bool) -> None:
    """The spares waiting, by the lineages they carry; stale ones no creation takes."""
    sets = spare_sets(known_lineages())
    if as_json:
        echo_json([{"lineages": s.lineages, "count": s.count, "fresh": s.fresh} for s in sets])
        return
    echo_table(
        ["lineages", "spares", "state"],
        [[", ".join(s.lineages), str(s.count), "fresh" if s.fresh else "stale"] for s in sets],
    )
