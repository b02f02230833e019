"""A third-party plugin of the tests: it declares its own message templates, an email in
English and French with a secret code filled in at delivery, and an English SMS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.identity.secrets import derived_secret
from datacapt.notifications import Channel, MessageTemplate, MessageText
from datacapt.plugins import PluginManifest, hookimpl

WELCOME = "greeter.welcome"
PING = "greeter.ping"


def welcome_code(seed: str) -> str:
    """The secret the welcome email carries: never stored, made again at delivery."""
    return derived_secret(f"greeter:{seed}")[:10]


def _code(context: Mapping[str, Any]) -> dict[str, str]:
    return {"code": welcome_code(context["seed"])}


TEMPLATES = [
    MessageTemplate(
        WELCOME,
        Channel.EMAIL,
        {
            "en": MessageText(subject="Welcome, {name}", body="Hello {name}, your code: {code}"),
            "fr": MessageText(
                subject="Bienvenue, {name}", body="Bonjour {name}, votre code : {code}"
            ),
        },
        secret_params=frozenset({"code"}),
        secrets=_code,
    ),
    MessageTemplate(PING, Channel.SMS, {"en": MessageText("Ping for {name}")}),
]


class Greeter:
    """The plugin, declaring ``templates`` (its own by default)."""

    def __init__(self, name: str = "greeter", templates: list[MessageTemplate] | None = None):
        self.name = name
        self.templates = TEMPLATES if templates is None else templates

    @hookimpl
    def datacapt_manifest(self) -> PluginManifest:
        return PluginManifest(name=self.name, version="1.0.0", title="Greeter")

    @hookimpl
    def datacapt_message_templates(self) -> list[MessageTemplate]:
        return self.templates
