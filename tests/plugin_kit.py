"""In-test plugins: objects with hook implementations, configured per test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from datacapt.api.blueprint import Blueprint
from datacapt.api.views import ApiView
from datacapt.database import db
from datacapt.jobs.cron import CronEntry
from datacapt.jobs.options import job
from datacapt.plugins import PluginManifest, hookimpl
from datacapt.tenancy import current_tenant, current_tenant_or_none

BASE_MIGRATIONS = Path(__file__).parent / "lineages" / "base"

# What the in-test plugins' hooks and jobs saw, in order.
EVENTS: list[tuple[Any, ...]] = []


class SettingsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=5, validate=ma.validate.Range(min=1))
    label = ma.fields.String(load_default="items")
    token = ma.fields.String(load_default=None, allow_none=True, metadata={"secret": True})


class PingSchema(ma.Schema):
    plugin = ma.fields.String()
    tenant = ma.fields.String()


def ping_blueprint(name: str) -> Blueprint:
    blp = Blueprint(f"{name}_ping", __name__, url_prefix=f"/api/{name}")

    @blp.route("/ping")
    class Ping(ApiView):
        PUBLIC = True

        @blp.response(200, PingSchema)
        def get(self):
            return {"plugin": name, "tenant": current_tenant().schema_name}

    return blp


# A Table (not a bare sa.table()): schema_translate_map applies to Table objects only.
BASE_ITEMS = sa.Table("base_items", sa.MetaData(), sa.Column("id", sa.Integer))

# Tenants in which failing_tick raises.
FAIL_IN: set[str] = set()


def record_run(label: str) -> str:
    """A job of the in-test plugin "base": notes where it ran and what it saw there."""
    schema = current_tenant().schema_name
    count = db.session.execute(sa.select(sa.func.count()).select_from(BASE_ITEMS)).scalar()
    EVENTS.append(("job", label, schema, count))
    return schema


def record_tick() -> str:
    """The periodic job of "base"."""
    return record_run("tick")


@job(retries=0)
def failing_tick() -> None:
    """A periodic job that fails in the tenants of FAIL_IN."""
    if current_tenant().schema_name in FAIL_IN:
        raise RuntimeError("this tenant's job fails")
    record_run("survived")


class FakePlugin:
    """A plugin whose manifest and contributions are given to the constructor."""

    def __init__(
        self,
        name: str,
        *,
        requires: tuple[str, ...] = (),
        core_version: str = "",
        migrations: Path | None = None,
        settings_schema: type | None = None,
        blueprints: tuple[Blueprint, ...] = (),
        jobs: tuple[Any, ...] = (),
        cron: tuple[CronEntry, ...] = (),
        permissions: dict[str, list[str]] | None = None,
        models: tuple[type, ...] = (),
        fail_on_enable: bool = False,
        default_grants: dict[str, list[str]] | None = None,
        error_codes: range | tuple[range, ...] = (),
        codes: tuple[Any, ...] = (),
        translations: Path | None = None,
    ) -> None:
        self.name = name
        self.requires = requires
        self.core_version = core_version
        self.migrations = migrations
        self.settings_schema = settings_schema
        self.blueprints = blueprints
        self.jobs = jobs
        self.cron = cron
        self.permissions = permissions or {}
        self.models = models
        self.fail_on_enable = fail_on_enable
        self.default_grants = default_grants or {}
        self.error_codes = error_codes
        self.codes = codes
        self.translations = translations

    @hookimpl
    def datacapt_manifest(self):
        return PluginManifest(
            name=self.name,
            version="1.0.0",
            title=self.name.title(),
            requires=self.requires,
            core_version=self.core_version,
            error_codes=self.error_codes,
        )

    @hookimpl
    def datacapt_error_codes(self):
        return self.codes

    @hookimpl
    def datacapt_migrations(self):
        return self.migrations

    @hookimpl
    def datacapt_translations(self):
        return self.translations

    @hookimpl
    def datacapt_models(self):
        return self.models

    @hookimpl
    def datacapt_blueprints(self):
        return self.blueprints

    @hookimpl
    def datacapt_jobs(self):
        return self.jobs

    @hookimpl
    def datacapt_cron_entries(self):
        return self.cron

    @hookimpl
    def datacapt_permissions(self):
        return self.permissions

    @hookimpl
    def datacapt_default_role_permissions(self):
        return self.default_grants

    @hookimpl
    def datacapt_tenant_settings_schema(self):
        return self.settings_schema

    @hookimpl
    def datacapt_tenant_created(self, tenant):
        EVENTS.append(("created", self.name, tenant.schema_name, current_tenant_or_none()))

    @hookimpl
    def datacapt_plugin_enabled(self, tenant, settings):
        EVENTS.append(
            ("enabled", self.name, tenant.schema_name, current_tenant().schema_name, settings)
        )
        if self.fail_on_enable:
            raise RuntimeError("enabled hook failed")

    @hookimpl
    def datacapt_plugin_disabled(self, tenant):
        EVENTS.append(("disabled", self.name, tenant.schema_name, current_tenant().schema_name))
