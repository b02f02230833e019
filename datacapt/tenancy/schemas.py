"""Schemas of the tenant endpoints."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

import marshmallow as ma

from datacapt.config.settings import is_origin
from datacapt.errors import DatacaptException
from datacapt.tenancy.branding import logo_url
from datacapt.tenancy.languages import LanguageTag
from datacapt.tenancy.models import TenantSettings
from datacapt.tenancy.retention import MAX_DAYS, RETENTION_KINDS
from datacapt.tenancy.services import validate_domain

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# An alphanumeric SMS sender (carriers take 11 characters), or a phone number.
_SMS_SENDER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9 .-]{0,10}|\+[1-9][0-9]{6,14})$")
_SENDER_NAME_REFUSED = re.compile(r"[\r\n<>\"]")


class TenantReadSchema(ma.Schema):
    """What anyone may read of the tenant at this host (a login page shows it)."""

    uuid = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True, metadata={"description": "Its brand name"})
    logo_url = ma.fields.String(dump_only=True, allow_none=True)
    primary_color = ma.fields.String(dump_only=True, allow_none=True)
    secondary_color = ma.fields.String(dump_only=True, allow_none=True)
    time_zone = ma.fields.String(dump_only=True)
    default_language = ma.fields.String(dump_only=True)
    languages = ma.fields.List(ma.fields.String(), dump_only=True)


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


def _color(value: str) -> None:
    if not _COLOR.match(value):
        raise ma.ValidationError("Not a colour: # and six hexadecimal digits, as #1a73e8.")


def _sender_name(value: str) -> None:
    if _SENDER_NAME_REFUSED.search(value):
        raise ma.ValidationError("A sender's name holds no line break, quote, < or >.")


def _sms_sender(value: str) -> None:
    if not _SMS_SENDER.match(value):
        raise ma.ValidationError(
            "Up to 11 letters, digits, spaces, dots or dashes, or a phone number as +33612345678."
        )


def _host(value: str) -> None:
    try:
        validate_domain(value)
    except DatacaptException:
        raise ma.ValidationError("Not a domain name.") from None


def _text(
    length: int, validate: Callable[[str], None] | None = None, **kwargs: Any
) -> ma.fields.String:
    """An optional text of at most ``length`` characters, null to unset it."""
    checks: list[Callable[[Any], Any]] = [ma.validate.Length(min=1, max=length)]
    if validate is not None:
        checks.append(validate)
    return ma.fields.String(allow_none=True, validate=checks, **kwargs)


class TenantSettingsSchema(ma.Schema):
    """The customer's settings an administrator changes (PATCH: any of them)."""

    time_zone = ma.fields.String(validate=_known_zone)
    default_language = LanguageTag(metadata={"description": "One of `languages`"})
    languages = ma.fields.List(
        LanguageTag(),
        validate=ma.validate.Length(min=1, max=50),
        metadata={
            "description": "BCP 47 tags (`fr`, `pt-BR`, at most 8 characters) users, "
            "invitees and subjects may pick"
        },
    )
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
    brand_name = _text(200, metadata={"description": "Shown by the frontend and in messages"})
    logo_url = ma.fields.Method(
        "_logo_url",
        allow_none=True,
        metadata={"description": "Set by uploading the logo at `/api/tenant/settings/logo`"},
    )
    primary_color = _text(7, _color, metadata={"description": "`#rrggbb`"})
    secondary_color = _text(7, _color, metadata={"description": "`#rrggbb`"})
    sender_name = _text(100, _sender_name, metadata={"description": "The From name of emails"})
    sender_address = ma.fields.Email(
        allow_none=True,
        validate=ma.validate.Length(max=254),
        metadata={"description": "The From address of emails, at an allowed domain"},
    )
    sms_sender = _text(16, _sms_sender, metadata={"description": "The sender of text messages"})
    sender_domains = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Domains operators allowed besides the deployment's"},
    )
    retention_days = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(list(RETENTION_KINDS))),
        values=ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, MAX_DAYS)),
        metadata={
            "description": "Days each kind of record is kept ("
            + "; ".join(f"`{kind}`: {what}" for kind, what in RETENTION_KINDS.items())
            + "); a PATCH sets the kinds it names, null unsets one"
        },
    )

    def _logo_url(self, settings: TenantSettings | dict) -> str | None:
        return logo_url(ma.utils.get_value(settings, "logo_file"))


class OperatorTenantSettingsSchema(TenantSettingsSchema):
    """An operator changes the same settings and the domains the tenant sends from."""

    sender_domains = ma.fields.List(
        ma.fields.String(validate=[ma.validate.Length(max=253), _host]),
        validate=ma.validate.Length(max=20),
        metadata={"description": "Domains the tenant may send emails from"},
    )
