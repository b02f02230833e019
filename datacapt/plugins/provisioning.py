"""Tenants with modules from the start: the lineages a set of plugins brings, tenants created
with those plugins enabled, and the spare schemas that make such a creation a rename."""

from __future__ import annotations

from collections.abc import Sequence

from datacapt.migrating import Lineage, tenant_lineages
from datacapt.plugins.services import enable_plugins, get_plugin, plugin_set
from datacapt.tenancy.models import Tenant
from datacapt.tenancy.services import create_tenant
from datacapt.tenancy.spares import drop_stale_spares, fill_spares


def with_requirements(names: Sequence[str]) -> list[str]:
    """``names`` and everything they require, in the plugin set's (dependency) order."""
    plugins = plugin_set()
    wanted = set(names)
    for name in names:
        wanted.update(plugins.requirements(get_plugin(name).name))
    return [name for name in plugins.plugins if name in wanted]


def tenant_lineages_with(names: Sequence[str]) -> list[Lineage]:
    """The lineages of a tenant with ``names`` enabled: the core's, then theirs in order."""
    plugins = plugin_set().plugins
    return tenant_lineages() + [
        lineage for name in with_requirements(names) if (lineage := plugins[name].lineage)
    ]


def known_lineages() -> list[Lineage]:
    """Every tenant lineage of this code: the core's and every loaded plugin's."""
    return tenant_lineages_with(list(plugin_set().plugins))


def create_tenant_with_plugins(
    schema_name: str, name: str, domains: Sequence[str], plugins: Sequence[str], actor: str
) -> Tenant:
    """Create a tenant, then enable ``plugins`` with their requirements; the schema comes
    from a spare with those lineages when one waits. Two transactions: a failure to enable
    leaves the tenant created with the core alone, and enabling again finishes it."""
    lineages = tenant_lineages_with(plugins)
    tenant = create_tenant(schema_name, name, domains, lineages)
    if plugins:
        enable_plugins(schema_name, with_requirements(plugins), actor)
    return tenant


def prepare_spares(plugins: Sequence[str], count: int) -> tuple[int, list[str]]:
    """Drop the stale spares, then build spares for tenants with ``plugins`` until ``count``
    wait; returns (stale spares dropped, new spares)."""
    dropped = drop_stale_spares(known_lineages())
    return dropped, fill_spares(tenant_lineages_with(plugins), count)
