"""Migration lineages: one Alembic script directory and version table per lineage."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Lineage:
    """A line of revisions applied to a schema and recorded in its own version table."""

    name: str
    script_location: Path
    version_table: str = "alembic_version"

    @property
    def config(self) -> Config:
        return _config(self.script_location)

    @property
    def script(self) -> ScriptDirectory:
        return _script_directory(self.script_location)

    @property
    def heads(self) -> frozenset[str]:
        return _heads(self.script_location)


@functools.cache
def _config(location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(location))
    return config


@functools.cache
def _script_directory(location: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(location))


@functools.cache
def _heads(location: Path) -> frozenset[str]:
    return frozenset(_script_directory(location).get_heads())


SHARED_LINEAGE = Lineage("shared", MIGRATIONS_DIR / "shared")
CORE_TENANT_LINEAGE = Lineage("core", MIGRATIONS_DIR / "tenant")

_EXTENSION_KEY = "datacapt.tenant_lineages"


def init_lineages(app) -> None:
    app.extensions[_EXTENSION_KEY] = [CORE_TENANT_LINEAGE]


def register_tenant_lineage(app, lineage: Lineage) -> None:
    """Add a lineage that every tenant schema of ``app`` is migrated with."""
    app.extensions[_EXTENSION_KEY].append(lineage)


def tenant_lineages() -> list[Lineage]:
    """The lineages every tenant schema is migrated with, core first."""
    return list(current_app.extensions[_EXTENSION_KEY])
