"""What a tenant's frontend and messages show: its name, logo and colours, and the
sender of its emails and text messages (the platform's own where it set none)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from flask import current_app

from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.services import get_tenant_settings, public_api_url

LOGO_PATH = "/api/tenant/logo"


def logo_url(logo_file: uuid.UUID | None) -> str | None:
    """Where anyone reads the logo (no login); the file's id in it makes a new logo a
    new address, so caches never show the old one."""
    return f"{public_api_url()}{LOGO_PATH}?v={logo_file}" if logo_file else None


@dataclass(frozen=True)
class Branding:
    name: str
    logo_url: str | None
    primary_color: str | None
    secondary_color: str | None
    email_sender: str  # the From header of emails
    sms_sender: str

    def message_params(self) -> dict[str, Any]:
        """What every message template may use besides its own parameters."""
        return {"brand_name": self.name, "logo_url": self.logo_url or ""}


def tenant_branding() -> Branding:
    """The current tenant's branding, its unset parts the platform's."""
    settings = get_tenant_settings()
    config = current_app.config
    default_name, default_address = parseaddr(config["MAIL_FROM"])
    return Branding(
        name=settings.brand_name or current_tenant().name,
        logo_url=logo_url(settings.logo_file),
        primary_color=settings.primary_color,
        secondary_color=settings.secondary_color,
        email_sender=formataddr(
            (settings.sender_name or default_name, settings.sender_address or default_address)
        ),
        sms_sender=settings.sms_sender or config["SMS_FROM"],
    )
