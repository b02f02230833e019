"""Messages and emails in English and French (the Language header), English as fallback;
one catalog per domain (the core, each plugin), each kept in step with its code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from datacapt import i18n
from datacapt.i18n import (
    CORE_DOMAIN,
    Domain,
    Message,
    language_context,
    negotiate,
    register_domain,
)
from datacapt.i18n.extract import TRANSLATED_LANGUAGES, catalog_problems, update_catalog
from datacapt.plugins.services import plugin_set

PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def write_po(path: Path, entries: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{msgid}"\nmsgstr "{text}"\n\n' for msgid, text in entries.items())
    path.write_text(PO_HEADER + body)


@pytest.fixture
def sample_domain(tmp_path, monkeypatch) -> Iterator[Domain]:
    """A plugin's catalog in a folder of its own, known to this test only."""
    root = tmp_path / "datacapt_sample"
    root.mkdir()
    (root / "services.py").write_text(
        'Message("No such resource")\nMessage("Kept {count}.", count=1)\nMessage("New.")\n'
    )
    domain = Domain("sample", root / "locales", root)
    write_po(
        domain.catalog_path("fr"),
        {"No such resource": "Rien ici (exemple)", "Kept {count}.": "Gardé {count}.", "Old.": "X"},
    )
    monkeypatch.setattr(i18n, "_domains", {**i18n._domains, "sample": domain})
    monkeypatch.setattr(i18n, "_file_domains", {})
    yield domain
    i18n._catalog.cache_clear()


def in_file(message: Message, path: Path) -> Message:
    """``message`` as if the code in ``path`` had created it."""
    message.origin = str(path)
    return message


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_catalog_matches_its_code(app, language):
    with app.app_context():
        core = i18n.domains()[CORE_DOMAIN]
        catalogs = [core] + [
            p.translations for p in plugin_set().plugins.values() if p.translations
        ]
    assert {d.name for d in catalogs} >= {CORE_DOMAIN, "subjects", "ecrf", "epro", "hello"}
    for domain in catalogs:
        assert catalog_problems(domain, language, core) == [], domain.name


def test_a_plugins_messages_read_its_catalog_first_then_the_cores(sample_domain):
    plugin_file = sample_domain.root / "services.py"
    assert i18n.domain_of(str(plugin_file)) == "sample"
    assert in_file(Message("No such resource"), plugin_file).render("fr") == "Rien ici (exemple)"
    # The same text from the core keeps the core's translation.
    assert Message("No such resource").domain == CORE_DOMAIN
    assert Message("No such resource").render("fr") == "Cette ressource n'existe pas"
    # A core text the plugin does not translate comes from the core's catalog.
    reused = in_file(Message("Authentication is required"), plugin_file)
    assert reused.render("fr") == "L'authentification est requise"
    filled = in_file(Message("Kept {count}."), plugin_file).with_params(count=3)
    assert (filled.domain, filled.render("fr"), filled.render("en")) == (
        "sample",
        "Gardé 3.",
        "Kept 3.",
    )


def test_problems_name_missing_lost_and_misplaced_texts(sample_domain):
    core = i18n.domains()[CORE_DOMAIN]
    write_po(sample_domain.catalog_path("fr"), {"Kept {count}.": "Gardé {nombre}.", "Old.": "X"})
    assert catalog_problems(sample_domain, "fr", core) == [
        "no translation: 'New.'",
        "not in the code: 'Old.'",
        "placeholders differ: 'Kept {count}.'",
    ]


def test_update_adds_new_texts_keeps_translations_and_drops_lost_ones(sample_domain):
    core = i18n.domains()[CORE_DOMAIN]
    path = update_catalog(sample_domain, "fr", core)
    text = path.read_text()
    assert 'msgid "New."\nmsgstr ""' in text
    assert 'msgstr "Gardé {count}."' in text and 'msgstr "Rien ici (exemple)"' in text
    assert "Old." not in text
    update_catalog(sample_domain, "fr", core)
    assert path.read_text() == text  # an up-to-date catalog is left as it is
    assert catalog_problems(sample_domain, "fr", core) == ["no translation: 'New.'"]


def test_update_leaves_the_cores_texts_to_the_core(sample_domain):
    """A new text the core translates is not copied into the plugin's catalog."""
    core = i18n.domains()[CORE_DOMAIN]
    sample_domain.catalog_path("fr").unlink()
    text = update_catalog(sample_domain, "fr", core).read_text()
    assert 'msgid "New."' in text and 'msgid "No such resource"' not in text


def test_the_cli_checks_and_updates_catalogs(app, sample_domain):
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["translations", "check"])
    assert checked.exit_code == 1
    assert "datacapt (fr): ok" in checked.output and "subjects (fr): ok" in checked.output
    assert "sample (fr): 2 to fix\n  no translation: 'New.'\n  not in the code: 'Old.'" in (
        checked.output
    )
    assert runner.invoke(args=["translations", "update", "sample"]).exit_code == 0
    assert 'msgid "New."' in sample_domain.catalog_path("fr").read_text()
    unknown = runner.invoke(args=["translations", "check", "nosuch"])
    assert unknown.exit_code == 2 and "no catalog named nosuch" in unknown.output


def test_a_catalog_folder_is_one_plugins_own(app):
    subjects = i18n.domains()["subjects"]
    with pytest.raises(ValueError, match="already holds the catalog of 'subjects'"):
        register_domain("copycat", subjects.locales)
    with pytest.raises(ValueError, match="already read from"):
        register_domain("subjects", Path(__file__).parent)
    assert "copycat" not in i18n.domains()


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
