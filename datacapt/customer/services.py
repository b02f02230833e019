"""The customer's logo (an upload of the core file storage) and the list of its modules'
settings; the other settings are the tenancy package's (datacapt.tenancy.services)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from werkzeug.datastructures import FileStorage

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, invalid, not_found
from datacapt.files.services import get_file, path_of, store
from datacapt.i18n import Message
from datacapt.plugins.services import get_settings, plugin_states, shown_settings
from datacapt.tenancy.context import TenantRef, current_tenant, get_tenant, in_tenant
from datacapt.tenancy.models import TenantSettings, TenantStatus
from datacapt.tenancy.services import get_tenant_settings, update_tenant_settings

LOGO_TYPES = ("image/png", "image/jpeg")  # no SVG: it can carry scripts
LOGO_MAX_BYTES = 512 * 1024
NO_LOGO = Message("This customer has no logo.")


def store_logo(upload: FileStorage | None) -> TenantSettings:
    """Store an uploaded PNG or JPEG of at most ``LOGO_MAX_BYTES`` as the logo (audited as
    a change of the settings); the previous upload stays in the file storage."""
    if upload is not None and upload.filename and (upload.mimetype or "") not in LOGO_TYPES:
        raise invalid(
            InternalCodes.FILE_REFUSED, Message("A logo is a PNG or JPEG image."), field="file"
        )
    stored = store(upload)
    if stored.size > LOGO_MAX_BYTES:
        # The refusal rolls back, and the stored file is removed with its row.
        raise invalid(
            InternalCodes.FILE_REFUSED,
            Message("A logo is limited to {size} bytes.", size=LOGO_MAX_BYTES),
            field="file",
        )
    return update_tenant_settings({"logo_file": stored.uuid})


def remove_logo() -> TenantSettings:
    return update_tenant_settings({"logo_file": None})


def logo_file() -> tuple[Path, str]:
    """The logo's path and media type; 404 when the customer has none."""
    settings = get_tenant_settings()
    if settings.logo_file is None:
        raise not_found(NO_LOGO)
    stored = get_file(settings.logo_file)
    return path_of(stored), stored.content_type


@dataclass(frozen=True)
class ModuleSettings:
    name: str
    title: str
    settings: dict[str, Any]  # secrets masked
    schema: dict[str, Any]  # a JSON Schema


_converter = MarshmallowPlugin()
APISpec("settings", "1", "3.1.0", plugins=[_converter])  # makes the converter usable


def _json_schema(schema: type[ma.Schema] | None) -> dict[str, Any]:
    """A settings schema as JSON Schema, its secret settings marked ``x-secret``."""
    if schema is None:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    assert _converter.converter is not None
    described = _converter.converter.schema2jsonschema(schema)
    for key, field in schema().fields.items():
        if field.metadata.get("secret") and key in described.get("properties", {}):
            described["properties"][key]["x-secret"] = True
    return described


def module_settings(tenant: TenantRef) -> list[ModuleSettings]:
    """Each module the tenant enabled with its settings there and their schema."""
    return [
        ModuleSettings(
            state.plugin.name,
            state.plugin.manifest.title,
            shown_settings(state.plugin.name, get_settings(tenant.schema_name, state.plugin.name)),
            _json_schema(state.plugin.settings_schema),
        )
        for state in plugin_states(tenant.id)
        if state.enabled
    ]


def current_module_settings() -> list[ModuleSettings]:
    return module_settings(current_tenant())


@contextmanager
def operator_in_tenant(schema_name: str, writing: bool) -> Iterator[TenantRef]:
    """An operator's work in a tenant's settings: its own unit, committed when the block
    ends; a change of an archived tenant's settings is refused."""
    tenant = get_tenant(schema_name)
    if writing and tenant.status != TenantStatus.ACTIVE:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.TENANT_ARCHIVED,
            f"Tenant {schema_name!r} is archived: its settings cannot change",
        )
    with in_tenant(schema_name) as entered:
        yield entered


def settings_values(settings: TenantSettings) -> dict[str, Any]:
    """The settings as plain values, read before the unit that changed them closes."""
    return {
        column.key: getattr(settings, column.key) for column in TenantSettings.__mapper__.columns
    }
