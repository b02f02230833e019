"""The econsult plugin's tenant settings (``flask plugins settings SCHEMA econsult``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import current_settings
from plugins.econsult.providers import provider_names


def _known_provider(name: str) -> None:
    if name not in provider_names():
        raise ma.ValidationError(f"Unknown provider; one of: {', '.join(provider_names())}.")


class TenantSettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    provider = ma.fields.String(
        load_default="jitsi",
        validate=_known_provider,
        metadata={"description": "The video service: jitsi, or console (development, tests)"},
    )
    jitsi_url = ma.fields.URL(
        load_default=None,
        allow_none=True,
        schemes={"https", "http"},
        require_tld=False,
        metadata={"description": "The Jitsi Meet server, https://meet.example.org"},
    )
    jitsi_app_id = ma.fields.String(
        load_default="datacapt",
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "The app id the server expects (the tokens' iss)"},
    )
    jitsi_secret = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The app secret signing the tokens (else the configuration's"
            " DATACAPT_ECONSULT_JITSI_SECRET); shown masked, never in the audit trail",
            "secret": True,
        },
    )
    recording = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Whether the provider may record calls (off by default)"},
    )
    opens_minutes_before = ma.fields.Integer(
        load_default=10,
        validate=ma.validate.Range(min=0, max=120),
        metadata={"description": "How long before its start a room opens"},
    )
    token_minutes = ma.fields.Integer(
        load_default=5,
        validate=ma.validate.Range(min=1, max=60),
        metadata={"description": "How long a token admits (never past the room's expiry)"},
    )


def econsult_settings() -> dict[str, Any]:
    return current_settings("econsult")
