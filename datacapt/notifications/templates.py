"""Message templates: what each email and SMS says, per language, declared by the core and
by each plugin (the ``datacapt_message_templates`` hook), checked when the app starts.

A template is one channel's text of one message key (``"epro.reminder"`` by email, by
SMS), in any number of languages; English is required and is the fallback for a language
the template lacks. Texts are Python format strings with named fields only, the same
fields in every language. A field listed in ``secret_params`` (a link carrying a token) is
never stored: ``secrets(context)`` supplies it at delivery from the other parameters, and
the recorded text shows it as ``[redacted]``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask, current_app

from datacapt.notifications.models import Channel

FALLBACK_LANGUAGE = "en"
REDACTED = "[redacted]"
CORE_OWNER = "core"
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_EXTENSION_KEY = "datacapt.message_templates"

SecretsProvider = Callable[[Mapping[str, Any]], Mapping[str, str]]


class UnknownTemplate(LookupError):
    """No template is declared for this key and channel (a bug of the caller)."""


@dataclass(frozen=True)
class MessageText:
    """One language's text: an email has a subject, an SMS only a body."""

    body: str
    subject: str = ""


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    channel: Channel
    texts: Mapping[str, MessageText]
    secret_params: frozenset[str] = frozenset()
    secrets: SecretsProvider | None = None
    # Filled when registered: "core" or the plugin that declared it.
    owner: str = field(default=CORE_OWNER, compare=False)

    def language_for(self, language: str | None) -> str:
        """The language the message goes in: the one asked for (its base: "fr" for
        "fr-CA"), or English when the template lacks it."""
        base = (language or "").strip().lower().replace("_", "-").split("-")[0]
        return base if base in self.texts else FALLBACK_LANGUAGE

    def render(self, language: str, params: Mapping[str, Any]) -> tuple[str, str]:
        """The subject and body in ``language`` (see ``language_for``) with ``params``."""
        text = self.texts[self.language_for(language)]
        return text.subject.format_map(params), text.body.format_map(params)

    def recorded(self, language: str, params: Mapping[str, Any]) -> tuple[str, str]:
        """The text as recorded: the secret parameters redacted."""
        return self.render(language, {**params, **dict.fromkeys(self.secret_params, REDACTED)})

    def problems(self) -> list[str]:
        """What is wrong with the declaration (empty when it can be registered)."""
        found = []
        if not _KEY.match(self.key):
            found.append("its key is not lowercase words joined by dots")
        if self.channel not in set(Channel):
            found.append(f"channel {self.channel!r} is not one of {', '.join(Channel)}")
        if FALLBACK_LANGUAGE not in self.texts:
            found.append("it has no English text (the fallback of every language)")
            return found
        try:
            reference = _fields(self.texts[FALLBACK_LANGUAGE])
        except ValueError as exc:
            return [*found, f"its English text: {exc}"]
        for language, text in self.texts.items():
            if not _LANGUAGE.match(language):
                found.append(f"{language!r} is not a language code such as 'en' or 'fr'")
            if self.channel == Channel.EMAIL and not text.subject.strip():
                found.append(f"its {language} email has no subject")
            if self.channel == Channel.SMS and text.subject:
                found.append(f"its {language} SMS has a subject")
            try:
                fields = _fields(text)
            except ValueError as exc:
                found.append(f"its {language} text: {exc}")
                continue
            if fields != reference:
                found.append(
                    f"its {language} text has fields {sorted(fields)}, English {sorted(reference)}"
                )
        unused = self.secret_params - reference
        if unused:
            found.append(f"secret parameters {sorted(unused)} are not in its text")
        if bool(self.secret_params) != (self.secrets is not None):
            found.append("secret parameters and their secrets provider go together")
        return found


def _fields(text: MessageText) -> frozenset[str]:
    """The named fields of a text (positional or dotted fields are refused)."""
    names = set()
    for part in (text.subject, text.body):
        for _, name, _, _ in string.Formatter().parse(part):
            if name is None:
                continue
            if not name.isidentifier():
                raise ValueError(f"field {{{name}}} is not a plain name")
            names.add(name)
    return frozenset(names)


class TemplateRegistry:
    """Every template of the app, by key and channel."""

    def __init__(self) -> None:
        self._templates: dict[tuple[str, str], MessageTemplate] = {}
        # Whether a template's owner is enabled in the current tenant (set by the plugin
        # system; the core's own are always).
        self.owner_enabled: Callable[[str], bool] = lambda _owner: True

    def register(self, template: MessageTemplate, owner: str = CORE_OWNER) -> None:
        """Add a template; ValueError saying why when it cannot be."""
        problems = template.problems()
        if owner != CORE_OWNER and not template.key.startswith(f"{owner}."):
            problems.append(f"its key does not start with the plugin's name ({owner}.)")
        where = (template.key, str(template.channel))
        taken = self._templates.get(where)
        if taken is not None:
            problems.append(f"{taken.owner!r} already declares it")
        if problems:
            raise ValueError(
                f"message template {template.key!r} ({template.channel}) of {owner!r}: "
                + "; ".join(problems)
            )
        self._templates[where] = replace(template, owner=owner)

    def get(self, key: str, channel: str) -> MessageTemplate:
        try:
            return self._templates[(key, str(channel))]
        except KeyError:
            raise UnknownTemplate(f"no {channel} template {key!r} is declared") from None

    def all(self) -> list[MessageTemplate]:
        return sorted(self._templates.values(), key=lambda t: (t.key, t.channel))


def init_templates(app: Flask, templates: Iterable[MessageTemplate]) -> TemplateRegistry:
    """Start the app's registry with the core's own templates."""
    registry = app.extensions[_EXTENSION_KEY] = TemplateRegistry()
    for template in templates:
        registry.register(template)
    return registry


def app_templates(app: Flask) -> TemplateRegistry:
    return app.extensions[_EXTENSION_KEY]


def template_registry() -> TemplateRegistry:
    return app_templates(current_app)
