"""Schemas of the tenant endpoints."""

from __future__ import annotations

import functools
import zoneinfo

import marshmallow as ma

from datacapt.config.settings import is_origin
from datacapt.i18n import SUPPORTED_LANGUAGES


class TenantReadSchema(ma.Schema):
    uuid = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
    time_zone = ma.fields.String(dump_only=True)
    default_language = ma.fields.String(dump_only=True)


@functools.cache
def _zones() -> frozenset[str]:
    """The IANA zones (read from the tz database once: it is hundreds of files)."""
    return frozenset(zoneinfo.available_timezones())


def _known_zone(value: str) -> None:
    if value not in _zones():
        raise ma.ValidationError("Not an IANA time zone.")


def _origin(value: str) -> None:
    if not is_origin(value):
        raise ma.ValidationError("Not an origin: scheme://host[:port], without a path.")


class TenantSettingsSchema(ma.Schema):
    time_zone = ma.fields.String(validate=_known_zone)
    default_language = ma.fields.String(validate=ma.validate.OneOf(SUPPORTED_LANGUAGES))
    session_idle_minutes = ma.fields.Integer(validate=ma.validate.Range(min=1, max=24 * 60))
    session_lifetime_hours = ma.fields.Integer(validate=ma.validate.Range(min=1, max=24 * 30))
    max_failed_logins = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100))
    lockout_minutes = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=7 * 24 * 60),
        metadata={"description": "0: locked accounts wait for an administrator"},
    )
    cors_origins = ma.fields.List(
        ma.fields.String(validate=_origin),
        validate=ma.validate.Length(max=20),
        metadata={
            "description": "Browser origins of this customer's frontends, such as "
            "`https://edc.example.org`, allowed to call its API besides the deployment's"
        },
    )
