"""The plugin system: pluggy hooks, entry-point discovery, per-tenant state and gating."""

import pluggy

from datacapt.plugins.hookspecs import PROJECT
from datacapt.plugins.manifest import PluginManifest

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["PluginManifest", "hookimpl"]
