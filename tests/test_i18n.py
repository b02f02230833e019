"""Messages and emails in English and French (the Language header), English as fallback."""

from __future__ import annotations

import pytest

from datacapt.i18n import SUPPORTED_LANGUAGES, Message, _catalog, language_context, negotiate
from datacapt.i18n.extract import message_ids


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_every_message_of_the_code_is_translated(language):
    catalog = _catalog(language)
    missing = sorted(message_ids() - set(catalog))
    assert not missing, f"{language} lacks translations for {missing}"
    for msgid, text in catalog.items():  # same placeholders, so formatting never fails
        assert sorted(_fields(msgid)) == sorted(_fields(text)), msgid


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


@pytest.mark.parametrize(
    ("header", "language"),
    [("fr", "fr"), ("fr-CA", "fr"), ("de, fr;q=0.8", "fr"), ("de", "en"), ("", "en"), (None, "en")],
)
def test_languages_are_negotiated_with_english_as_fallback(header, language):
    assert negotiate(header) == language


def test_messages_render_in_the_chosen_language():
    message = Message("Use at least {count} characters.", count=12)
    assert message.render("en") == "Use at least 12 characters."
    with language_context("fr"):
        assert str(message) == "Utilisez au moins 12 caractères."


def test_route_errors_follow_the_language_header(api_client):
    response = api_client.get("/api/does-not-exist", headers={"Language": "fr"})
    assert response.json["error"]["message"] == "Cette ressource n'existe pas"
